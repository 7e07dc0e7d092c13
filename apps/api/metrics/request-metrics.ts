import { type Metrics } from '@schoolyard/metrics';
import { type FastifyInstance } from 'fastify';

/** What a request that matched no route is filed under: its URL would be a series per probe. */
const UNMATCHED = 'unmatched';

/**
 * One histogram observation per answered request, from Fastify's onResponse hook: the route's
 * template (`/api/students/:id`, never the URL a client sent), method and status, and the time
 * Fastify measured. Not installed while metrics are off (METRICS_PORT unset): then a request
 * costs nothing for them. What it costs when on: docs/METRICS.md.
 */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? UNMATCHED,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}
