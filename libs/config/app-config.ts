import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';

/**
 * Configuration is read from the environment once, at start-up, and validated here.
 * A bad value stops start-up with a message naming the variable, so a typo in a
 * deployment never turns into a half-working server.
 */
export interface Argon2Settings {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
  /** Hashes computed at once; the rest wait, so a core stays free for requests and PostgreSQL. */
  concurrency: number;
}

export interface AuthSettings {
  /** HMAC key for access tokens and CSRF tokens. */
  jwtSecret: string;
  /** True when no JWT_SECRET was given: a random one, so tokens die with the process. */
  jwtSecretGenerated: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** Mark cookies Secure (HTTPS only). */
  secureCookies: boolean;
  /** Platform admin seeded at start-up when both are set. */
  superuser: { email: string; password: string } | undefined;
}

export interface AppConfig {
  /** `development`, `test` or `production`; production hides internals from error bodies. */
  environment: 'development' | 'test' | 'production';
  /** Owner account (provisioning, migrations). Unset means: start the embedded server. */
  databaseUrl: string | undefined;
  /** Login used by the request pool; unset means a derived NOINHERIT role is created. */
  apiDatabaseUrl: string | undefined;
  port: number;
  listenHost: string;
  /** The platform's own host name; schools live at `<subdomain>.<baseDomain>`. */
  baseDomain: string;
  /** Passed to Fastify: only then is `X-Forwarded-Host` believed. */
  trustProxy: boolean | string[];
  pool: { size: number; maxUses: number; maxLifetimeSeconds: number; statementTimeoutMs: number };
  schoolCacheTtlSeconds: number;
  /** How long a person's roles in a school are remembered; 0 looks them up on every request. */
  accessCacheTtlSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  embeddedDataDir: string;
  argon2: Argon2Settings;
  auth: AuthSettings;
  /**
   * AES-256-GCM key for temporary passwords kept for credential slips. Required in production;
   * elsewhere unset means a key derived from the owner's database URL (stable across restarts).
   */
  credentialsKey: Buffer | undefined;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      name,
      'is not a URL (expected postgres://user:password@host:port/database)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      name,
      `must start with postgres:// or postgresql://, got "${url.protocol}//"`,
    );
  }
  if (!url.pathname || url.pathname === '/') {
    throw new ConfigError(name, 'must name a database (postgres://host:5432/DATABASE)');
  }
  return raw;
}

function hostName(env: Env, name: string, fallback: string): string {
  const value = (text(env, name) ?? fallback).toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(value)) {
    throw new ConfigError(
      name,
      `must be a host name such as schoolyard.example.com, got "${value}"`,
    );
  }
  return value;
}

function trustProxy(env: Env): boolean | string[] {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  const addresses = raw.split(',').map((part) => part.trim());
  if (addresses.some((part) => !/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part))) {
    throw new ConfigError(
      'TRUST_PROXY',
      'must be true, false or a comma-separated list of addresses/CIDRs',
    );
  }
  return addresses;
}

function booleanFlag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function auth(env: Env, environment: AppConfig['environment']): AuthSettings {
  const secret = text(env, 'JWT_SECRET');
  if (secret === undefined && environment === 'production') {
    throw new ConfigError('JWT_SECRET', 'is required in production (32 characters or more)');
  }
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('JWT_SECRET', `must be 32 characters or more, got ${secret.length}`);
  }
  const email = text(env, 'SUPERUSER_EMAIL');
  const password = text(env, 'SUPERUSER_PASSWORD');
  if ((email === undefined) !== (password === undefined)) {
    throw new ConfigError(
      email === undefined ? 'SUPERUSER_EMAIL' : 'SUPERUSER_PASSWORD',
      'must be set together with ' +
        (email === undefined ? 'SUPERUSER_PASSWORD' : 'SUPERUSER_EMAIL'),
    );
  }
  if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
    throw new ConfigError('SUPERUSER_EMAIL', `must be an email address, got "${email}"`);
  }
  if (password !== undefined && password.length < 10) {
    throw new ConfigError('SUPERUSER_PASSWORD', 'must be 10 characters or more');
  }
  return {
    jwtSecret: secret ?? randomBytes(32).toString('base64url'),
    jwtSecretGenerated: secret === undefined,
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlDays: integer(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 365),
    secureCookies: booleanFlag(env, 'COOKIE_SECURE', environment === 'production'),
    superuser: email !== undefined && password !== undefined ? { email, password } : undefined,
  };
}

function credentialsKey(env: Env, environment: AppConfig['environment']): Buffer | undefined {
  const raw = text(env, 'CREDENTIALS_KEY');
  if (raw === undefined) {
    if (environment === 'production') {
      throw new ConfigError(
        'CREDENTIALS_KEY',
        'is required in production (32 random bytes, base64 or hex: openssl rand -base64 32)',
      );
    }
    return undefined;
  }
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError(
      'CREDENTIALS_KEY',
      'must be 32 bytes, written as base64 or 64 hex digits',
    );
  }
  return key;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const environment = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'], 'development');
  return {
    environment,
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    apiDatabaseUrl: postgresUrl(env, 'API_DATABASE_URL'),
    port: integer(env, 'PORT', 3000, 0, 65535),
    listenHost: text(env, 'LISTEN_HOST') ?? '0.0.0.0',
    baseDomain: hostName(env, 'BASE_DOMAIN', 'localhost'),
    trustProxy: trustProxy(env),
    pool: {
      size: integer(env, 'DB_POOL_SIZE', 10, 1, 1000),
      maxUses: integer(env, 'DB_POOL_MAX_USES', 500, 1, 100_000_000),
      maxLifetimeSeconds: integer(env, 'DB_POOL_MAX_LIFETIME_SECONDS', 600, 1, 86_400),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
    },
    schoolCacheTtlSeconds: integer(env, 'SCHOOL_CACHE_TTL_SECONDS', 60, 0, 86_400),
    accessCacheTtlSeconds: integer(env, 'ACCESS_CACHE_TTL_SECONDS', 60, 0, 86_400),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      environment === 'test' ? 'silent' : 'info',
    ),
    embeddedDataDir: text(env, 'EMBEDDED_PG_DIR') ?? '.data/postgres',
    argon2: {
      // OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane.
      memoryKiB: integer(env, 'ARGON2_MEMORY_KIB', 19_456, 19_456, 4_194_304),
      timeCost: integer(env, 'ARGON2_TIME_COST', 2, 2, 100),
      parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 16),
      concurrency: integer(
        env,
        'ARGON2_CONCURRENCY',
        Math.max(1, availableParallelism() - 1),
        1,
        256,
      ),
    },
    auth: auth(env, environment),
    credentialsKey: credentialsKey(env, environment),
  };
}
