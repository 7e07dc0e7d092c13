import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAX_TOKEN_LENGTH = 512;

interface DeviceClaims {
  /** Which login it trusts: a keyed digest, so the token carries no username. */
  k: string;
  /** The device's own id: its failures are counted under it. */
  n: string;
  /** Issued at, in seconds. */
  iat: number;
}

/**
 * Device tokens of OWASP's device-cookie method: after a successful sign-in the client gets a
 * signed token naming that login (school and name) and a random id. Presenting it again makes
 * the attempt count against that device alone, never against what other clients did to the
 * name. It is not bound to the client's address (phones move between networks), and it grants
 * nothing but that: the password is still checked.
 */
@Injectable()
export class DeviceTokens {
  private readonly key: Buffer;
  private readonly ttlSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = config.auth.deviceTokenKey;
    this.ttlSeconds = config.auth.deviceTokenTtlDays * 86_400;
  }

  get maxAgeSeconds(): number {
    return this.ttlSeconds;
  }

  issue(loginKey: string, now = Date.now()): string {
    const claims: DeviceClaims = {
      k: this.loginDigest(loginKey),
      n: randomBytes(16).toString('base64url'),
      iat: Math.floor(now / 1000),
    };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /**
   * The device id of the first candidate that is a genuine, unexpired token of `loginKey`;
   * null when none is (missing, forged, expired, or issued to another login).
   */
  deviceOf(
    candidates: Array<string | undefined>,
    loginKey: string,
    now = Date.now(),
  ): string | null {
    for (const token of candidates) {
      const claims = token ? this.claimsOf(token) : null;
      if (
        claims &&
        claims.k === this.loginDigest(loginKey) &&
        claims.iat + this.ttlSeconds > now / 1000
      ) {
        return claims.n;
      }
    }
    return null;
  }

  private claimsOf(token: string): DeviceClaims | null {
    if (token.length > MAX_TOKEN_LENGTH) return null;
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      if (
        typeof claims === 'object' &&
        claims !== null &&
        typeof (claims as DeviceClaims).k === 'string' &&
        typeof (claims as DeviceClaims).n === 'string' &&
        typeof (claims as DeviceClaims).iat === 'number'
      ) {
        return claims as DeviceClaims;
      }
    } catch {
      // Signed by us, so this does not happen; refuse rather than throw if it ever does.
    }
    return null;
  }

  private loginDigest(loginKey: string): string {
    return createHmac('sha256', this.key).update(`login:${loginKey}`).digest('base64url');
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`token:${payload}`).digest('base64url');
  }
}
