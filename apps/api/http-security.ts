import { type AppConfig } from '@schoolyard/config';
import { errorBody, requestIdOf } from '@schoolyard/common';
import { normalizeHost } from '@schoolyard/tenancy';
import { type FastifyCorsOptions } from '@fastify/cors';
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

/** The path as the router matches it: decoded, so `/%64ocs` is `/docs`. */
function routedPath(url: string): string {
  const path = url.split('?')[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const isDocsUrl = (url: string) => {
  const path = routedPath(url);
  return path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');
};

/**
 * The API's documentation is the platform's page, not a school's: at a school's host it would
 * put the platform's page under that school's name (API_DOCS=platform, the default), and an
 * operator may serve it everywhere or nowhere.
 */
export function restrictDocs(fastify: FastifyInstance, config: AppConfig): void {
  if (config.apiDocs === 'everywhere') return;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isDocsUrl(request.url)) return done();
    if (config.apiDocs === 'platform' && normalizeHost(request.hostname) === config.baseDomain) {
      return done();
    }
    void reply
      .code(404)
      .send(
        errorBody(
          { code: 'ROUTE_NOT_FOUND', message: 'There is no such route here' },
          requestIdOf(request.raw),
        ),
      );
  });
}

export function registerSecurityHeaders(fastify: FastifyInstance, config: AppConfig): void {
  const production = config.environment === 'production';
  // onRequest: every answer carries them, including 404, 413 and errors raised before routing.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(COMMON);
    void reply.header('content-security-policy', isDocsUrl(request.url) ? DOCS_CSP : API_CSP);
    if (production) void reply.header('strict-transport-security', HSTS);
    done();
  });
}

/**
 * Which browser origins may call the API with credentials: the page's own address (a
 * school's front end at its own host), and the origins the operator lists in CORS_ORIGINS.
 * Sibling schools share a site (SameSite does not separate them), so a script at another
 * school's host, at an unregistered name under the domain, or at the platform's own host
 * gets no CORS headers from a school's address and cannot read its answers. Production takes
 * only https. Requests without an Origin (curl, servers) are not browsers: CORS does not apply.
 */
export function isAllowedOrigin(origin: string, requestHost: string, config: AppConfig): boolean {
  if (config.corsOrigins.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const schemes = config.environment === 'production' ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(url.protocol)) return false;
  // Host and port: another port of the same name is another origin (another server).
  return normalizeHost(url.host) === normalizeHost(requestHost);
}

/** The origins a school allows besides its own address, from the (cached) host look-up. */
export interface SchoolOriginLookup {
  findByHost(host: string): Promise<{ corsOrigins?: readonly string[] } | null>;
}

/**
 * Through a per-request delegate: the answer depends on the host the request was sent to, and
 * at a school's host also on the origins that school configured (`PATCH /api/school`).
 */
export function corsOptions(config: AppConfig, schools: SchoolOriginLookup): FastifyCorsOptions {
  const shared: FastifyCorsOptions = {
    // Refresh and CSRF cookies travel with the browser's requests.
    credentials: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'x-csrf-token',
      'x-request-id',
      'x-device-token',
    ],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  };
  return {
    delegator: (request, decide) => {
      const origin = request.headers.origin;
      const allow = (allowed: boolean) => decide(null, { ...shared, origin: allowed });
      if (origin === undefined || isAllowedOrigin(origin, request.host, config)) {
        return allow(true);
      }
      const host = normalizeHost(request.hostname);
      if (host === config.baseDomain) return allow(false);
      schools.findByHost(host).then(
        (school) => allow(school?.corsOrigins?.includes(origin) ?? false),
        // No answer about the school: no CORS headers, and the request itself says the rest.
        () => allow(false),
      );
    },
  };
}
