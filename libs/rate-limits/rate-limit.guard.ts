import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { policyOf } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { Metrics } from '@schoolyard/metrics';
import { normalizeHost, type PlanRateLimits, TenantContext } from '@schoolyard/tenancy';
import { type FastifyRequest } from 'fastify';
import { FastRefusals } from './fast-refusals';
import { rateLimited } from './rate-limits.errors';
import { type Maybe, SharedBuckets, then } from './shared-buckets';
import { SharedState } from './shared-state';

/** Anonymous calls under this prefix are sign-in work, limited by the sign-in throttles. */
const SIGN_IN_PREFIX = '/api/auth/';

/**
 * Runs right after the school is known and before anything costly (authentication, argon2,
 * the school's transaction), so a flood is refused from memory and cannot take connections
 * or CPU from other schools. A school-host request spends one token of its client within the
 * school, a platform-host request one of its client address. Routes served 'anywhere' (the
 * health check) are not limited. A school's limits come from its plan, read with the school
 * itself by the directory; without a plan the configured fallback applies, so a school is
 * never left unlimited.
 *
 * The school's own allowance is spent after authentication (SchoolAllowanceGuard), in two
 * buckets: signed-in callers', and anonymous callers'. Public pages cannot then exhaust what
 * the school's signed-in users need, and a forged token cannot spend the signed-in bucket
 * (it fails authentication first). Anonymous sign-in work is left to the sign-in throttles.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /** In Redis when REDIS_URL is set (one round trip per check), else in memory (none). */
  private readonly buckets: SharedBuckets;
  private readonly fallback: PlanRateLimits;

  constructor(
    private readonly tenant: TenantContext,
    private readonly fast: FastRefusals,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    shared: SharedState,
    private readonly metrics: Metrics,
  ) {
    this.buckets = new SharedBuckets('requests', shared);
    this.fallback = {
      schoolPerMinute: config.rateLimits.fallbackSchoolPerMinute,
      clientPerMinute: config.rateLimits.fallbackClientPerMinute,
    };
  }

  canActivate(context: ExecutionContext): Maybe<boolean> {
    if (!this.limited(context)) return true;
    // Fastify's `ip` believes X-Forwarded-For only from the proxies TRUST_PROXY names.
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const client = request.ip;
    const host = normalizeHost(request.hostname);
    if (!this.tenant.hasSchool) {
      const perMinute = this.config.rateLimits.platformClientPerMinute;
      return then(this.buckets.take(`platform:${client}`, perMinute), (taken) => {
        if (!taken.allowed) {
          this.fast.remember(host, client, 'platform', taken.retryAfterSeconds);
          this.metrics.rateLimited('platform');
          throw rateLimited('platform', taken.retryAfterSeconds);
        }
        return true;
      });
    }
    const { id: schoolId } = this.tenant.school;
    // The client first: a flooding client is refused without spending its school's allowance.
    const byClient = this.buckets.take(
      `client:${schoolId}:${client}`,
      this.limitsOfSchool().clientPerMinute,
    );
    return then(byClient, (taken) => {
      if (!taken.allowed) {
        this.fast.remember(host, client, 'client', taken.retryAfterSeconds);
        this.metrics.rateLimited('client');
        throw rateLimited('client', taken.retryAfterSeconds);
      }
      return true;
    });
  }

  /** The school's allowance, once the caller is known to be signed in or anonymous. */
  chargeSchool(context: ExecutionContext): Maybe<void> {
    if (!this.limited(context) || !this.tenant.hasSchool) return;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: unknown }>();
    const signedIn = request.user !== undefined;
    if (!signedIn && request.url.startsWith(SIGN_IN_PREFIX)) return;
    const { id: schoolId } = this.tenant.school;
    const limits = this.limitsOfSchool();
    const scope = signedIn ? 'school' : 'anonymous';
    const bySchool = this.buckets.take(`${scope}:${schoolId}`, limits.schoolPerMinute);
    return then(bySchool, (taken) => {
      if (taken.allowed) return;
      const refuse = () => {
        this.fast.remember(normalizeHost(request.hostname), null, scope, taken.retryAfterSeconds);
        this.metrics.rateLimited(scope);
        throw rateLimited(scope, taken.retryAfterSeconds);
      };
      return then(
        this.buckets.giveBack(`client:${schoolId}:${request.ip}`, limits.clientPerMinute),
        refuse,
      );
    });
  }

  private limited(context: ExecutionContext): boolean {
    if (!this.config.rateLimits.enabled) return false;
    const scope = policyOf(context)?.scope;
    return scope !== undefined && scope !== 'anywhere';
  }

  private limitsOfSchool(): PlanRateLimits {
    return this.tenant.school.rateLimits ?? this.fallback;
  }
}

/** Runs after authentication: spends the school's signed-in or anonymous allowance. */
@Injectable()
export class SchoolAllowanceGuard implements CanActivate {
  constructor(private readonly limits: RateLimitGuard) {}

  canActivate(context: ExecutionContext): Maybe<boolean> {
    return then(this.limits.chargeSchool(context), () => true);
  }
}
