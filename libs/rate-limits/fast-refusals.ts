import { Inject, Injectable } from '@nestjs/common';
import { errorBody } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { Metrics } from '@schoolyard/metrics';
import { normalizeHost } from '@schoolyard/tenancy';
import { type Socket } from 'node:net';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { rateLimited, type RateLimitScope } from './rate-limits.errors';

const MAX_ENTRIES = 100_000;
/**
 * What the authentication guard reads as credentials (a bearer token, the access cookie with
 * or without its HTTPS prefix): any other header must not move a refused anonymous client
 * off the fast path.
 */
const BEARER = /^bearer +\S/i;
const ACCESS_COOKIE = /(?:^|;\s*)(?:__Host-)?sy_access=[^;\s]/;
/** Refusals held at once; past this they are answered at once and their connections closed. */
const MAX_HELD = 10_000;

interface Refusal {
  at: number;
  scope: RateLimitScope;
}

/**
 * Once the guard has refused a client (or a whole school), its next requests are refused
 * again straight from Fastify's onRequest hook until the wait is over, before Nest's
 * pipeline runs. A flood then costs the event loop a map lookup per request instead of a
 * trip through routing, guards and the error filter, so the other schools' requests are not
 * queued behind it. The guard stays the one place the limits are decided.
 *
 * Even a map lookup is not cheap enough on its own: a client that sends its next request the
 * moment it has an answer turns every microsecond saved into more requests, and at a few
 * thousand refusals a second the event loop has little left for other schools. So a repeat
 * refusal is held (RATE_LIMIT_REFUSAL_HOLD_MS, a timer and an idle socket) before it is sent.
 * A client told to wait at least a second loses nothing by hearing it a second later, and a
 * flooding connection is slowed to one request per hold.
 *
 * Kept per instance even when the limits are shared through Redis: it only repeats a refusal
 * this instance's guard has decided, and another instance asks the shared counter and refuses
 * too. Sharing it would put a round trip in front of every request, refused or not.
 */
@Injectable()
export class FastRefusals {
  private readonly until = new Map<string, Refusal>();
  private held = 0;
  /** Connections with a refusal held now. */
  private readonly holding = new WeakSet<Socket>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  /** Called by the guard when it refuses: host and allowance for a school, host and address for a client. */
  remember(
    host: string,
    client: string | null,
    scope: RateLimitScope,
    retryAfterSeconds: number,
  ): void {
    if (this.until.size >= MAX_ENTRIES) this.until.clear();
    const key = client !== null ? `${host}|${client}` : `${host}#${scope}`;
    this.until.set(key, {
      at: Date.now() + retryAfterSeconds * 1000,
      scope,
    });
  }

  attach(fastify: FastifyInstance): void {
    const holdMs = this.config.rateLimits.refusalHoldMs;
    fastify.addHook('onRequest', (request, reply, done) => {
      const refused = this.refusal(request);
      if (!refused) return done();
      if (holdMs === 0) return this.refuse(request, reply, refused);
      if (this.held >= MAX_HELD) {
        // Too many held already: answer, and make the client open a new connection to go on.
        void reply.header('connection', 'close');
        return this.refuse(request, reply, refused);
      }
      const socket = request.raw.socket;
      if (this.holding.has(socket)) {
        // A client that pipelines more requests behind a held refusal is not waiting for
        // answers at all: holding each would let one connection fill MAX_HELD for everyone.
        socket.destroy();
        return;
      }
      this.holding.add(socket);
      this.held++;
      setTimeout(() => {
        this.holding.delete(socket);
        this.held--;
        // The client may have given up while it waited; there is no one left to answer.
        if (!socket.destroyed) this.refuse(request, reply, refused);
      }, holdMs).unref();
    });
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, refused: Refusal): void {
    const retryAfterSeconds = Math.max(1, Math.ceil((refused.at - Date.now()) / 1000));
    // Counted as the guard's refusals are: by the allowance that ran out.
    this.metrics.rateLimited(refused.scope);
    const error = rateLimited(refused.scope, retryAfterSeconds);
    void reply
      .code(error.status)
      .headers(error.headers)
      .send(errorBody(error, String(request.id)));
  }

  private refusal(request: FastifyRequest): Refusal | undefined {
    if (this.until.size === 0 || request.url === '/health') return undefined;
    const host = normalizeHost(request.hostname);
    const now = Date.now();
    // Which of the school's two allowances the request would spend, guessed from its headers:
    // the guard decides for real, this only spares Nest the repeats. Anonymous sign-in work is
    // not the anonymous allowance's.
    const credentials =
      BEARER.test(request.headers.authorization ?? '') ||
      ACCESS_COOKIE.test(request.headers.cookie ?? '');
    const allowance = credentials
      ? `${host}#school`
      : request.url.startsWith('/api/auth/')
        ? undefined
        : `${host}#anonymous`;
    for (const key of [`${host}|${request.ip}`, allowance]) {
      if (key === undefined) continue;
      const entry = this.until.get(key);
      if (!entry) continue;
      if (entry.at > now) return entry;
      this.until.delete(key);
    }
    return undefined;
  }
}
