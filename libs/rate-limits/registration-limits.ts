import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { Metrics } from '@schoolyard/metrics';
import { type FastifyRequest } from 'fastify';
import { TokenBuckets } from './token-buckets';

const HOUR_MS = 3_600_000;

export type RegistrationLimitScope = 'registration-address' | 'registration-platform';

export const registrationsLimited = (scope: RegistrationLimitScope, retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'RATE_LIMITED',
    scope === 'registration-address'
      ? 'Too many schools registered from this address: try again later'
      : 'Too many schools are being registered right now: try again later',
    { scope, retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

/**
 * Each new school costs a schema, a server-wide database role and an argon2 hash, so the
 * general per-minute allowance of the platform host is far too generous for it. Counted per
 * exact client address and across the platform, per hour, before anything costly runs.
 * Like the other limits it is kept in memory, per instance.
 */
@Injectable()
export class RegistrationLimits {
  private readonly buckets = new TokenBuckets();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Spends one registration of `client` and of the platform, or refuses with 429. */
  take(client: string, now = Date.now()): void {
    if (!this.config.rateLimits.enabled) return;
    const { registrationsPerAddressPerHour: perAddress, registrationsPerHour: perPlatform } =
      this.config.accounts;
    const addressKey = `address:${client}`;
    const byAddress = this.buckets.take(addressKey, perAddress, now, HOUR_MS);
    if (!byAddress.allowed) {
      this.metrics.rateLimited('registration-address');
      throw registrationsLimited('registration-address', byAddress.retryAfterSeconds);
    }
    const overall = this.buckets.take('platform', perPlatform, now, HOUR_MS);
    if (!overall.allowed) {
      // The address did not get its registration: it should not pay for the refusal.
      this.buckets.giveBack(addressKey, perAddress);
      this.metrics.rateLimited('registration-platform');
      throw registrationsLimited('registration-platform', overall.retryAfterSeconds);
    }
  }
}

/**
 * On the routes that create a school: runs after the caller is known and before the body is
 * read, so a refused registration costs no hashing, no query and no DDL.
 */
@Injectable()
export class RegistrationLimitGuard implements CanActivate {
  constructor(private readonly limits: RegistrationLimits) {}

  canActivate(context: ExecutionContext): boolean {
    // Fastify's `ip` believes X-Forwarded-For only from the proxies TRUST_PROXY names.
    this.limits.take(context.switchToHttp().getRequest<FastifyRequest>().ip);
    return true;
  }
}
