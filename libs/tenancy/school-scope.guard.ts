import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { policyOf } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type FastifyRequest } from 'fastify';
import { SchoolDirectory } from './school-directory.service';
import { TenantContext } from './tenant-context';
import { platformOnly, schoolArchived, schoolNotFound, schoolSuspended } from './tenancy.errors';

/** Lower-case, no port, no trailing dot: `Oxford.Example.com.:443` → `oxford.example.com`. */
export function normalizeHost(hostname: string): string {
  return hostname.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Decides which school a request belongs to, from the Host header only (X-Forwarded-Host
 * counts only when TRUST_PROXY names the proxy: Fastify's `hostname` applies that rule).
 */
@Injectable()
export class SchoolScopeGuard implements CanActivate {
  constructor(
    private readonly directory: SchoolDirectory,
    private readonly tenant: TenantContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = policyOf(context)?.scope;
    if (scope === undefined || scope === 'anywhere') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const host = normalizeHost(request.hostname);
    const isPlatformHost = host === this.config.baseDomain;

    if (scope === 'platform') {
      if (isPlatformHost) return true;
      throw (await this.directory.findByHost(host)) ? platformOnly() : schoolNotFound();
    }
    if (scope === 'school-or-platform' && isPlatformHost) return true;
    const school = isPlatformHost ? null : await this.directory.findByHost(host);
    if (!school) throw schoolNotFound();
    if (school.status === 'suspended') throw schoolSuspended();
    if (school.status === 'archived') throw schoolArchived();
    this.tenant.enter(school);
    // Read by the request logger when the response is written.
    (request.raw as { schoolSlug?: string }).schoolSlug = school.slug;
    return true;
  }
}
