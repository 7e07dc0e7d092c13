import { type AppConfig } from '@schoolyard/config';
import { type FastifyInstance } from 'fastify';

/**
 * The response headers helmet sets by default, for a JSON API: nothing is framed, sniffed,
 * prefetched or shared across origins beyond what CORS allows; HSTS only in production, where
 * every host is served over HTTPS. The API docs page needs its own scripts and styles.
 */
const COMMON: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-site',
  'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const HSTS = 'max-age=15552000; includeSubDomains';

export function registerSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const production = config.environment === 'production';
  // onRequest: every answer carries them, including 404, 413 and errors raised before routing.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(COMMON);
    const docs =
      request.url === '/docs' ||
      request.url.startsWith('/docs/') ||
      request.url.startsWith('/docs-');
    void reply.header('content-security-policy', docs ? DOCS_CSP : API_CSP);
    if (production) void reply.header('strict-transport-security', HSTS);
    done();
  });
}

/**
 * Which browser origins may call the API. The platform's own front ends live at BASE_DOMAIN
 * and at each school's host under it; CORS_ORIGINS adds others (a separate app domain, a
 * developer's local front end). Production takes only https origins of the platform's hosts;
 * elsewhere http is fine too. Requests without an Origin (curl, servers) are not browsers and
 * CORS does not apply to them.
 */
export function isAllowedOrigin(origin: string, config: AppConfig): boolean {
  if (config.corsOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const schemes = config.environment === 'production' ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) return false;
  const host = url.hostname.toLowerCase();
  return host === config.baseDomain || host.endsWith(`.${config.baseDomain}`);
}

export function corsOptions(config: AppConfig) {
  return {
    origin: (origin: string | undefined, answer: (error: Error | null, allow: boolean) => void) =>
      answer(null, origin === undefined || isAllowedOrigin(origin, config)),
    // Refresh and CSRF cookies travel with the browser's requests.
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'x-csrf-token',
      'x-device-token',
      'x-request-id',
    ],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  };
}
