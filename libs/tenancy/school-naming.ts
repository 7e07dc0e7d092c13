/**
 * Every schema and role name in the database is derived here from a validated
 * subdomain, and nowhere else (invariant 3). Names are then always quoted.
 */
const SUBDOMAIN = /^[a-z][a-z0-9-]{1,40}$/;
const IDENTIFIER = /^[a-z][a-z0-9_]{1,62}$/;

/** Names that would collide with platform hosts, PostgreSQL's own schemas or common services. */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  'www',
  'api',
  'admin',
  'administrator',
  'public',
  'app',
  'apps',
  'auth',
  'login',
  'logout',
  'register',
  'signup',
  'signin',
  'account',
  'accounts',
  'billing',
  'payments',
  'docs',
  'health',
  'status',
  'static',
  'assets',
  'cdn',
  'media',
  'files',
  'mail',
  'email',
  'smtp',
  'imap',
  'pop',
  'ftp',
  'ns1',
  'ns2',
  'dns',
  'platform',
  'root',
  'system',
  'support',
  'help',
  'dashboard',
  'postgres',
  'template0',
  'template1',
  'information-schema',
  'localhost',
  'schoolyard',
  'school',
  // Names that browsers, mail clients and operating systems look up on their own, and
  // service names a phishing page would love to own under the platform's domain.
  'wpad',
  'autodiscover',
  'autoconfig',
  'isatap',
  'sso',
  'secure',
  'security',
  'webmail',
  'mx',
  'smtp2',
  'imap4',
  'pop3',
  'sftp',
  'vpn',
  'proxy',
  'gateway',
  'esewa',
  'khalti',
  'pay',
  'payment',
  'checkout',
  'oauth',
  'id',
  'identity',
  'verify',
  'reset',
  'password',
  'metrics',
  'grafana',
  'prometheus',
  'worker',
  'jobs',
  'pgbouncer',
  'redis',
]);

export type SubdomainProblem = 'INVALID' | 'RESERVED';

export interface SubdomainCheck {
  ok: boolean;
  problem?: SubdomainProblem;
  message?: string;
}

export function checkSubdomain(subdomain: string): SubdomainCheck {
  if (!SUBDOMAIN.test(subdomain) || subdomain.endsWith('-') || subdomain.includes('--')) {
    return {
      ok: false,
      problem: 'INVALID',
      message:
        'must be 2-41 characters: a lower-case letter first, then lower-case letters, digits or single hyphens, not ending in a hyphen',
    };
  }
  if (RESERVED_SUBDOMAINS.has(subdomain) || subdomain.startsWith('pg-')) {
    return { ok: false, problem: 'RESERVED', message: `"${subdomain}" is reserved` };
  }
  return { ok: true };
}

/** `oxford-high` → `school_oxford_high`: hyphens cannot appear in subdomains' underscores, so this is one-to-one. */
export function schemaNameFor(subdomain: string): string {
  assertSubdomain(subdomain);
  return `school_${subdomain.replace(/-/g, '_')}`;
}

/**
 * Roles are cluster-wide while schemas are per database, so the role carries a short tag
 * of the database: two databases on one server (dev and test) never fight over a role.
 */
export function roleNameFor(subdomain: string, databaseTag: string): string {
  assertSubdomain(subdomain);
  if (!/^[0-9a-f]{8}$/.test(databaseTag)) throw new Error(`bad database tag "${databaseTag}"`);
  return `school_${subdomain.replace(/-/g, '_')}_${databaseTag}`;
}

function assertSubdomain(subdomain: string): void {
  const check = checkSubdomain(subdomain);
  if (!check.ok) throw new Error(`refusing to derive a name from subdomain "${subdomain}"`);
}

/** Quotes a name we derived ourselves; anything else is a programming error. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing to quote unexpected identifier "${name}"`);
  return `"${name}"`;
}

/** A validated identifier as an SQL string literal (it holds no quote, so nothing to escape). */
export function identifierLiteral(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`refusing to use unexpected identifier "${name}"`);
  return `'${name}'`;
}
