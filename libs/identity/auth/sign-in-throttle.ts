import { Injectable } from '@nestjs/common';
import { SharedState } from '@schoolyard/rate-limits';
import { type ThrottleRule } from '../login-throttle';
import { SharedThrottle } from '../shared-throttle';
import { tooManyAttempts } from './auth.errors';

/** What a sign-in attempt reports back once its outcome is known (counted before the answer). */
export interface AdmittedAttempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
}

const BY_CLIENT: ThrottleRule = { free: 20, capSeconds: 300, forgetAfterSeconds: 900 };
const BY_NAME_AND_CLIENT: ThrottleRule = { free: 5, capSeconds: 300, forgetAfterSeconds: 900 };
const BY_NAME: ThrottleRule = { free: 50, capSeconds: 60, forgetAfterSeconds: 900 };
const BY_DEVICE: ThrottleRule = {
  free: 10,
  firstWaitSeconds: 300,
  capSeconds: 3600,
  forgetAfterSeconds: 86_400,
};

/**
 * Which failures slow down a sign-in attempt (OWASP's device-cookie method). A client that
 * presents a device token issued to this name after an earlier success is answered by its own
 * failures only: a flood against the name from any number of other addresses (or from the
 * same school network) never refuses the holder's own device. Every other client is limited
 * per name across addresses, per address, and per name and address.
 *
 * Counters are shared by every instance through Redis when REDIS_URL is set (one round trip
 * per counter, next to an argon2 hash that costs far more); without it they live in this
 * instance's memory, and with several instances each keeps its own. Device tokens hold no
 * server state (they are signed), so any instance checks one issued by another.
 */
@Injectable()
export class SignInThrottle {
  /** Per client address, whatever the name tried. */
  private readonly byClient: SharedThrottle;
  /** Per name and client: an attacker elsewhere cannot slow the real user down. */
  private readonly byNameAndClient: SharedThrottle;
  /** Per name from anywhere: slows guessing spread over many addresses, with a short cap. */
  private readonly byName: SharedThrottle;
  /**
   * Per trusted device: ten wrong passwords lock that device token out for five minutes, then
   * longer. Only someone holding the token (the device, or a thief of it) spends this.
   */
  private readonly byDevice: SharedThrottle;

  constructor(shared: SharedState) {
    this.byClient = new SharedThrottle(BY_CLIENT, 'client', shared);
    this.byNameAndClient = new SharedThrottle(BY_NAME_AND_CLIENT, 'name-client', shared);
    this.byName = new SharedThrottle(BY_NAME, 'name', shared);
    this.byDevice = new SharedThrottle(BY_DEVICE, 'device', shared);
  }

  /**
   * Refuses with TOO_MANY_ATTEMPTS when the attempt must wait. `device` is the id of a device
   * token already checked to belong to `loginKey`, or null for an untrusted client.
   */
  async admit(
    loginKey: string,
    clientAddress: string,
    device: string | null,
  ): Promise<AdmittedAttempt> {
    const keys: Array<[SharedThrottle, string]> = device
      ? [[this.byDevice, `${loginKey}:${device}`]]
      : [
          [this.byClient, clientAddress],
          [this.byNameAndClient, `${loginKey}:${clientAddress}`],
          [this.byName, loginKey],
        ];
    const waits = await Promise.all(keys.map(([throttle, key]) => throttle.waitSeconds(key)));
    const wait = Math.max(...waits);
    if (wait > 0) throw tooManyAttempts(wait);
    return {
      failed: async () => {
        await Promise.all(keys.map(([throttle, key]) => throttle.fail(key)));
      },
      // Only the attempt's own trail is wiped: a success proves nothing about other clients.
      succeeded: async () => {
        if (device) await this.byDevice.succeed(`${loginKey}:${device}`);
        else await this.byNameAndClient.succeed(`${loginKey}:${clientAddress}`);
      },
    };
  }
}
