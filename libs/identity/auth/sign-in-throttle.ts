import { Injectable } from '@nestjs/common';
import { Throttle } from '../login-throttle';
import { tooManyAttempts } from './auth.errors';

/** What a sign-in attempt reports back once its outcome is known. */
export interface AdmittedAttempt {
  failed(): void;
  succeeded(): void;
}

/**
 * Which failures slow down a sign-in attempt (OWASP's device-cookie method). A client that
 * presents a device token issued to this name after an earlier success is answered by its own
 * failures only: a flood against the name from any number of other addresses (or from the
 * same school network) never refuses the holder's own device. Every other client is limited
 * per name across addresses, per address, and per name and address.
 *
 * Counters live in this instance's memory; with several instances each keeps its own.
 */
@Injectable()
export class SignInThrottle {
  /** Per client address, whatever the name tried. */
  private readonly byClient = new Throttle({ free: 20, capSeconds: 300, forgetAfterSeconds: 900 });
  /** Per name and client: an attacker elsewhere cannot slow the real user down. */
  private readonly byNameAndClient = new Throttle({
    free: 5,
    capSeconds: 300,
    forgetAfterSeconds: 900,
  });
  /** Per name from anywhere: slows guessing spread over many addresses, with a short cap. */
  private readonly byName = new Throttle({ free: 50, capSeconds: 60, forgetAfterSeconds: 900 });
  /**
   * Per trusted device: ten wrong passwords lock that device token out for five minutes, then
   * longer. Only someone holding the token (the device, or a thief of it) spends this.
   */
  private readonly byDevice = new Throttle({
    free: 10,
    firstWaitSeconds: 300,
    capSeconds: 3600,
    forgetAfterSeconds: 86_400,
  });

  /**
   * Refuses with TOO_MANY_ATTEMPTS when the attempt must wait. `device` is the id of a device
   * token already checked to belong to `loginKey`, or null for an untrusted client.
   */
  admit(loginKey: string, clientAddress: string, device: string | null): AdmittedAttempt {
    const keys: Array<[Throttle, string]> = device
      ? [[this.byDevice, `${loginKey}:${device}`]]
      : [
          [this.byClient, clientAddress],
          [this.byNameAndClient, `${loginKey}:${clientAddress}`],
          [this.byName, loginKey],
        ];
    const wait = Math.max(...keys.map(([throttle, key]) => throttle.waitSeconds(key)));
    if (wait > 0) throw tooManyAttempts(wait);
    return {
      failed: () => {
        for (const [throttle, key] of keys) throttle.fail(key);
      },
      // Only the attempt's own trail is wiped: a success proves nothing about other clients.
      succeeded: () => {
        if (device) this.byDevice.succeed(`${loginKey}:${device}`);
        else this.byNameAndClient.succeed(`${loginKey}:${clientAddress}`);
      },
    };
  }
}
