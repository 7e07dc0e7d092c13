import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AccessClaims, type Principal } from './principal';

export const TOKEN_ISSUER = 'schoolyard';

@Injectable()
export class AuthTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  signAccess(principal: Principal): string {
    const claims: Omit<AccessClaims, 'sub'> = {
      sid: principal.sessionId,
      org: principal.schoolId,
      mcp: principal.mustChangePassword,
      typ: 'access',
    };
    return this.jwt.sign(claims, {
      subject: principal.userId,
      expiresIn: this.config.auth.accessTokenTtlSeconds,
    });
  }

  /** Double-submit CSRF token bound to the session: readable by the page, useless elsewhere. */
  csrfFor(sessionId: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret)
      .update(`csrf:${sessionId}`)
      .digest('base64url');
  }

  csrfMatches(sessionId: string, offered: unknown): boolean {
    if (typeof offered !== 'string') return false;
    const expected = Buffer.from(this.csrfFor(sessionId));
    const given = Buffer.from(offered);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  newRefreshSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Refresh secrets are long and random, so a fast hash is enough to keep them unusable at rest. */
  hashRefreshSecret(secret: string): string {
    return createHash('sha256').update(secret).digest('hex');
  }

  refreshSecretMatches(secret: string, storedHash: string): boolean {
    const given = Buffer.from(this.hashRefreshSecret(secret), 'hex');
    const stored = Buffer.from(storedHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }
}
