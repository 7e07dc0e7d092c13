import { Injectable } from '@nestjs/common';
import { type ErrorBody } from '@schoolyard/common';
import { normalizeHost } from '@schoolyard/tenancy';
import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { rateLimited, type RateLimitScope } from './rate-limits.errors';

const MAX_ENTRIES = 100_000;

/**
 * Once the guard has refused a client (or a whole school), its next requests are refused
 * again straight from Fastify's onRequest hook until the wait is over, before Nest's
 * pipeline runs. A flood then costs the event loop a map lookup per request instead of a
 * trip through routing, guards and the error filter, so the other schools' requests are not
 * queued behind it. The guard stays the one place the limits are decided.
 */
@Injectable()
export class FastRefusals {
  private readonly until = new Map<string, { at: number; scope: RateLimitScope }>();

  /** Called by the guard when it refuses: the host alone for a school, host and address for a client. */
  remember(
    host: string,
    client: string | null,
    scope: RateLimitScope,
    retryAfterSeconds: number,
  ): void {
    if (this.until.size >= MAX_ENTRIES) this.until.clear();
    this.until.set(client === null ? host : `${host}|${client}`, {
      at: Date.now() + retryAfterSeconds * 1000,
      scope,
    });
  }

  attach(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply, done) => {
      const refused = this.refusal(request);
      if (!refused) return done();
      const retryAfterSeconds = Math.max(1, Math.ceil((refused.at - Date.now()) / 1000));
      const error = rateLimited(refused.scope, retryAfterSeconds);
      const body: ErrorBody = {
        error: { code: error.code, message: error.message, details: error.details },
        requestId: String(request.id),
      };
      void reply.code(error.status).headers(error.headers).send(body);
    });
  }

  private refusal(request: FastifyRequest): { at: number; scope: RateLimitScope } | undefined {
    if (this.until.size === 0 || request.url === '/health') return undefined;
    const host = normalizeHost(request.hostname);
    const now = Date.now();
    for (const key of [`${host}|${request.ip}`, host]) {
      const entry = this.until.get(key);
      if (!entry) continue;
      if (entry.at > now) return entry;
      this.until.delete(key);
    }
    return undefined;
  }
}
