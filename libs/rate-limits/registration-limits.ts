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
import { type Maybe, SharedBuckets, then } from './shared-buckets';
import { SharedState } from './shared-state';

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
 * Like the other limits it is shared through Redis when REDIS_URL is set, else kept in memory.
 */
@Injectable()
export class RegistrationLimits {
  private readonly buckets: SharedBuckets;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    shared: SharedState,
    private readonly metrics: Metrics,
  ) {
    this.buckets = new SharedBuckets('registrations', shared);
  }

  /** Spends one registration of `client` and of the platform, or refuses with 429. */
  take(client: string, now = Date.now()): Maybe<void> {
    if (!this.config.rateLimits.enabled) return;
    const { registrationsPerAddressPerHour: perAddress, registrationsPerHour: perPlatform } =
      this.config.accounts;
    const addressKey = `address:${client}`;
    return then(this.buckets.take(addressKey, perAddress, HOUR_MS, now), (byAddress) => {
      if (!byAddress.allowed) {
        this.metrics.rateLimited('registration-address');
        throw registrationsLimited('registration-address', byAddress.retryAfterSeconds);
      }
      return then(this.buckets.take('platform', perPlatform, HOUR_MS, now), (overall) => {
        if (overall.allowed) return;
        // The address did not get its registration: it should not pay for the refusal.
        this.metrics.rateLimited('registration-platform');
        return then(this.buckets.giveBack(addressKey, perAddress, HOUR_MS), () => {
          throw registrationsLimited('registration-platform', overall.retryAfterSeconds);
        });
      });
    });
  }
}

/**
 * On the routes that create a school: runs after the caller is known and before the body is
 * read, so a refused registration costs no hashing, no query and no DDL.
 */
@Injectable()
export class RegistrationLimitGuard implements CanActivate {
  constructor(private readonly limits: RegistrationLimits) {}

  canActivate(context: ExecutionContext): Maybe<boolean> {
    // Fastify's `ip` believes X-Forwarded-For only from the proxies TRUST_PROXY names.
    return then(
      this.limits.take(context.switchToHttp().getRequest<FastifyRequest>().ip),
      () => true,
    );
  }
}
