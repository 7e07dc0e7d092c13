import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  normalizeHost,
  type PlanRateLimits,
  ROUTE_SCOPE,
  type RouteScope,
  TenantContext,
} from '@schoolyard/tenancy';
import { type FastifyRequest } from 'fastify';
import { FastRefusals } from './fast-refusals';
import { rateLimited } from './rate-limits.errors';
import { TokenBuckets } from './token-buckets';

/**
 * Runs right after the school is known and before anything costly (authentication, argon2,
 * the school's transaction), so a flood is refused from memory and cannot take connections
 * or CPU from other schools. A school-host request spends one token of its client within the
 * school and one of the school; a platform-host request one of its client address. Routes
 * without a scope (the health check) are not limited. A school's limits come from its plan,
 * read with the school itself by the directory; without a plan the configured fallback
 * applies, so a school is never left unlimited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly buckets = new TokenBuckets();
  private readonly fallback: PlanRateLimits;

  constructor(
    private readonly reflector: Reflector,
    private readonly tenant: TenantContext,
    private readonly fast: FastRefusals,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.fallback = {
      schoolPerMinute: config.rateLimits.fallbackSchoolPerMinute,
      clientPerMinute: config.rateLimits.fallbackClientPerMinute,
    };
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.config.rateLimits.enabled) return true;
    const scope = this.reflector.getAllAndOverride<RouteScope | undefined>(ROUTE_SCOPE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    // Fastify's `ip` believes X-Forwarded-For only from the proxies TRUST_PROXY names.
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const client = request.ip;
    const host = normalizeHost(request.hostname);
    if (!this.tenant.hasSchool) {
      const perMinute = this.config.rateLimits.platformClientPerMinute;
      const taken = this.buckets.take(`platform:${client}`, perMinute);
      if (!taken.allowed) {
        this.fast.remember(host, client, 'platform', taken.retryAfterSeconds);
        throw rateLimited('platform', taken.retryAfterSeconds);
      }
      return true;
    }
    const { id: schoolId, rateLimits } = this.tenant.school;
    const limits = rateLimits ?? this.fallback;
    // The client first: a flooding client is refused without spending its school's allowance.
    const clientKey = `client:${schoolId}:${client}`;
    const byClient = this.buckets.take(clientKey, limits.clientPerMinute);
    if (!byClient.allowed) {
      this.fast.remember(host, client, 'client', byClient.retryAfterSeconds);
      throw rateLimited('client', byClient.retryAfterSeconds);
    }
    const bySchool = this.buckets.take(`school:${schoolId}`, limits.schoolPerMinute);
    if (!bySchool.allowed) {
      this.buckets.giveBack(clientKey, limits.clientPerMinute);
      this.fast.remember(host, null, 'school', bySchool.retryAfterSeconds);
      throw rateLimited('school', bySchool.retryAfterSeconds);
    }
    return true;
  }
}
