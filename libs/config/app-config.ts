import { createHmac, randomBytes } from 'node:crypto';
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
  /**
   * HMAC key of device tokens (sign-in throttling), derived from JWT_SECRET under its own
   * label: one secret to keep, and a device token can never pass for an access token.
   */
  deviceTokenKey: Buffer;
  /** How long a device stays trusted after its last successful sign-in. */
  deviceTokenTtlDays: number;
  /** How long a mailed password-reset link works. */
  passwordResetTtlMinutes: number;
}

/** Plans and payments (see libs/billing). */
export interface BillingSettings {
  /** Plan a new school starts on, in the registration's transaction. */
  trialPlan: string;
  trialDays: number;
  esewa: EsewaSettings;
}

/**
 * eSewa ePay v2. The defaults are eSewa's public test environment (merchant EPAYTEST), from
 * its developer documentation; production needs the merchant's own product code and secret.
 */
export interface EsewaSettings {
  productCode: string;
  secretKey: string;
  formUrl: string;
  statusUrl: string;
  /** How long the transaction-status API may take before the payment is left pending. */
  timeoutMs: number;
  /** True when the secret is eSewa's published test secret. */
  usesTestSecret: boolean;
}

export const ESEWA_TEST_PRODUCT_CODE = 'EPAYTEST';
export const ESEWA_TEST_SECRET_KEY = '8gBm/:&EnhH.1/q';
export const ESEWA_TEST_FORM_URL = 'https://rc-epay.esewa.com.np/api/epay/main/v2/form';
export const ESEWA_TEST_STATUS_URL = 'https://rc.esewa.com.np/api/epay/transaction/status/';

export interface AppConfig {
  /** `development`, `test` or `production`; production hides internals from error bodies. */
  environment: 'development' | 'test' | 'production';
  /** Owner account (provisioning, migrations). Unset means: start the embedded server. */
  databaseUrl: string | undefined;
  /** Login used by the request pool; unset means a derived NOINHERIT role is created. */
  apiDatabaseUrl: string | undefined;
  port: number;
  /**
   * The port in links the platform hands out (mail, payment return addresses); none behind a
   * proxy on 443 or 80. Outside production the API is reached on PORT directly.
   */
  publicUrlPort: number | undefined;
  listenHost: string;
  /** The platform's own host name; schools live at `<subdomain>.<baseDomain>`. */
  baseDomain: string;
  /** Passed to Fastify: only then is `X-Forwarded-Host` believed. */
  trustProxy: boolean | string[];
  /** Where /docs is served: the platform's host only, every host, or nowhere. */
  apiDocs: 'platform' | 'everywhere' | 'off';
  pool: {
    size: number;
    /**
     * Distinct schools one pooled connection serves before it is replaced: its backend keeps
     * catalog caches for each (see AffinityPool), so this bounds its memory.
     */
    maxSchoolsPerConnection: number;
    maxUses: number;
    maxLifetimeSeconds: number;
    /**
     * Schools an owner connection builds or migrates before it is closed: its backend keeps
     * cached plans of every school it worked in, and DDL walks them all (see OwnerConnections).
     */
    ownerSchoolsPerConnection: number;
    statementTimeoutMs: number;
    /**
     * Longest wait for a database connection (a free pooled one or a new one). While the
     * database is down or unreachable, a request fails with 503 after at most this long.
     */
    connectTimeoutMs: number;
    /**
     * Connections one school may hold at once; its further requests wait in a queue of their
     * own (see PoolShares). Half the pool by default; equal to the pool turns the share off.
     */
    schoolShare: number;
  };
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
  /** BACKUP_KEY: the key of school backup archives; unset, one is derived from CREDENTIALS_KEY. */
  backupKey: Buffer | undefined;
  billing: BillingSettings;
  rateLimits: RateLimitSettings;
  accounts: AccountSettings;
  audit: AuditSettings;
  jobs: JobSettings;
  mail: MailSettings;
  sms: SmsSettings;
  /** Browser origins allowed to call the API besides the platform's own hosts (see cors.ts). */
  corsOrigins: string[];
  /**
   * Where instances share rate limits and sign-in throttles (redis:// or rediss://). Unset:
   * each instance counts in its own memory, which is right for one instance only.
   */
  redisUrl: string | undefined;
  metrics: MetricsSettings;
  /**
   * Largest CSV file `POST /api/imports` accepts (bytes), apart from the JSON body limit: a
   * larger upload is refused with 413 before anything is stored.
   */
  importMaxBytes: number;
}

/**
 * Prometheus metrics (docs/METRICS.md): served only on a port of their own, never on the
 * public one, so a load balancer in front of PORT cannot expose them. Off unless METRICS_PORT
 * is set; in production the port also needs METRICS_TOKEN.
 */
export interface MetricsSettings {
  /** Undefined: no metrics are served and requests are not measured. 0: any free port (tests). */
  port: number | undefined;
  host: string;
  /** Bearer token the scraper must send; required in production. */
  token: string | undefined;
}

/**
 * Requests per minute. A school's own limits come from its plan (public.plans); these apply
 * where no plan is known: platform routes, and a school whose plan could not be read.
 */
export interface RateLimitSettings {
  enabled: boolean;
  /** Per client address on the platform host (registration, sign-in there). */
  platformClientPerMinute: number;
  fallbackSchoolPerMinute: number;
  fallbackClientPerMinute: number;
  /**
   * How long a repeat refusal is held before the 429 is sent. A client that sends its next
   * request as soon as it has an answer is slowed to one request per hold on each connection,
   * so a flood cannot take the event loop from other schools. 0 answers at once.
   */
  refusalHoldMs: number;
}

/** Registration and the verified-email account model (see libs/organizations, libs/identity). */
export interface AccountSettings {
  /** How long a mailed verification link stays good. */
  emailTokenTtlHours: number;
  /**
   * Registrations per client address and across the platform, per hour. Each one creates a
   * schema and a server-wide database role, so they are counted apart from other requests.
   */
  registrationsPerAddressPerHour: number;
  registrationsPerHour: number;
  /** Days a school may run while its owner has not verified their email; 0: never suspended. */
  unverifiedSchoolSuspendDays: number;
}

/** The audit trails (see libs/audit, docs/AUDIT.md). */
export interface AuditSettings {
  /**
   * Days a school's audit entries and the platform's are kept; older ones are deleted by the
   * daily `audit.retention` sweep. 0 keeps everything.
   */
  retentionDays: number;
}

/** Background jobs on pg-boss (see libs/jobs). */
export interface JobSettings {
  /** Schema of pg-boss's tables, in the owner's database. */
  schema: string;
  /** Whether this process works jobs (and runs the dispatchers that feed them); any may send. */
  worker: boolean;
  /**
   * How often a worker runs pg-boss's maintenance, which also hands a job whose worker died
   * (its expiry passed while active) back for a retry: the longest such a job waits.
   */
  maintenanceIntervalSeconds: number;
  /** How long stopping waits for jobs in flight before handing them back to be retried. */
  stopTimeoutSeconds: number;
}

/** Outgoing mail (see libs/mail and docs/MAIL.md). */
export interface MailSettings {
  /** smtp:// or smtps:// URL; unset means the development transport writes files to `dir`. */
  smtpUrl: string | undefined;
  from: string;
  /** Where the development transport writes messages. */
  dir: string;
  /** Scheme of the links in messages. */
  publicUrlScheme: 'http' | 'https';
  /** First retry delay of a failed delivery; each retry waits about twice the one before. */
  retryDelaySeconds: number;
}

/** Text messages of notifications (see libs/communication/sms and docs/COMMUNICATION.md). */
export interface SmsSettings {
  /** `log` writes each message to the log (development, tests); `http` posts to a gateway. */
  provider: 'log' | 'http';
  /** The gateway's address (required for `http`): it receives `{to, text}` as JSON. */
  httpUrl: string | undefined;
  /** Bearer token for the gateway, if it wants one. */
  httpToken: string | undefined;
  /** Longest wait for the gateway's answer; a timeout is retried (with the same key). */
  timeoutMs: number;
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

function trustProxy(env: Env, environment: string): boolean | string[] {
  const raw = text(env, 'TRUST_PROXY');
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') {
    // Trusting every hop believes any client's X-Forwarded-For, which defeats per-address limits.
    if (environment === 'production') {
      throw new ConfigError(
        'TRUST_PROXY',
        'must name the proxy addresses or CIDRs in production (true would trust any client)',
      );
    }
    return true;
  }
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
  const jwtSecret = secret ?? randomBytes(32).toString('base64url');
  return {
    jwtSecret,
    jwtSecretGenerated: secret === undefined,
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
    refreshTokenTtlDays: integer(env, 'REFRESH_TOKEN_TTL_DAYS', 30, 1, 365),
    secureCookies: booleanFlag(env, 'COOKIE_SECURE', environment === 'production'),
    superuser: email !== undefined && password !== undefined ? { email, password } : undefined,
    deviceTokenKey: createHmac('sha256', jwtSecret).update('schoolyard device token v1').digest(),
    deviceTokenTtlDays: integer(env, 'DEVICE_TOKEN_TTL_DAYS', 365, 1, 730),
    passwordResetTtlMinutes: integer(env, 'PASSWORD_RESET_TTL_MINUTES', 60, 5, 1440),
  };
}

/** Exactly 32 bytes as base64: an archive made under a mistyped key could never be opened. */
function backupKey(env: Env): Buffer | undefined {
  const raw = text(env, 'BACKUP_KEY');
  if (raw === undefined) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) {
    throw new ConfigError(
      'BACKUP_KEY',
      'must be 32 bytes written as base64 (openssl rand -base64 32)',
    );
  }
  return key;
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

function httpUrl(
  env: Env,
  name: string,
  fallback: string,
  environment: AppConfig['environment'],
): string {
  const raw = text(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `is not a URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  if (environment === 'production' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an https URL in production, got "${raw}"`);
  }
  return raw;
}

function billing(env: Env, environment: AppConfig['environment']): BillingSettings {
  const trialPlan = text(env, 'BILLING_TRIAL_PLAN') ?? 'trial';
  if (!/^[a-z][a-z0-9_-]{1,39}$/.test(trialPlan)) {
    throw new ConfigError(
      'BILLING_TRIAL_PLAN',
      `must be a plan code (lower-case letters, digits, - and _), got "${trialPlan}"`,
    );
  }
  const productCode = text(env, 'ESEWA_PRODUCT_CODE') ?? ESEWA_TEST_PRODUCT_CODE;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(productCode)) {
    throw new ConfigError(
      'ESEWA_PRODUCT_CODE',
      `must be eSewa's merchant code, got "${productCode}"`,
    );
  }
  const secretKey = text(env, 'ESEWA_SECRET_KEY') ?? ESEWA_TEST_SECRET_KEY;
  const usesTestSecret = secretKey === ESEWA_TEST_SECRET_KEY;
  const allowTestSecret = booleanFlag(env, 'ESEWA_ALLOW_TEST_SECRET', false);
  // Anyone can forge a "paid" callback signed with the published test secret, so production
  // takes it only when the operator says so out loud (a production-mode stack on eSewa's test).
  if (environment === 'production' && usesTestSecret && !allowTestSecret) {
    throw new ConfigError(
      'ESEWA_SECRET_KEY',
      "is eSewa's public test secret (or unset) in production: set the merchant's secret, or ESEWA_ALLOW_TEST_SECRET=true to run against eSewa's test environment on purpose",
    );
  }
  return {
    trialPlan,
    trialDays: integer(env, 'BILLING_TRIAL_DAYS', 30, 1, 365),
    esewa: {
      productCode,
      secretKey,
      formUrl: httpUrl(env, 'ESEWA_FORM_URL', ESEWA_TEST_FORM_URL, environment),
      statusUrl: httpUrl(env, 'ESEWA_STATUS_URL', ESEWA_TEST_STATUS_URL, environment),
      timeoutMs: integer(env, 'ESEWA_TIMEOUT_MS', 10_000, 100, 120_000),
      usesTestSecret,
    },
  };
}

function jobs(env: Env): JobSettings {
  const schema = text(env, 'JOBS_SCHEMA') ?? 'pgboss';
  // pg-boss writes the name into its SQL unquoted.
  if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) {
    throw new ConfigError(
      'JOBS_SCHEMA',
      `must be a schema name (lower-case letters, digits and _), got "${schema}"`,
    );
  }
  return {
    schema,
    worker: booleanFlag(env, 'JOBS_WORKER', true),
    maintenanceIntervalSeconds: integer(env, 'JOBS_MAINTENANCE_INTERVAL_SECONDS', 60, 1, 3600),
    stopTimeoutSeconds: integer(env, 'JOBS_STOP_TIMEOUT_SECONDS', 30, 1, 600),
  };
}

function mail(env: Env, environment: AppConfig['environment'], baseDomain: string): MailSettings {
  const smtpUrl = text(env, 'SMTP_URL');
  if (smtpUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(smtpUrl);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || !url.hostname) {
      // The value may hold a password: it is not repeated.
      throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL with a host');
    }
  }
  const from = text(env, 'MAIL_FROM') ?? `Schoolyard <no-reply@${baseDomain}>`;
  if (!/^([^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/.test(from)) {
    throw new ConfigError(
      'MAIL_FROM',
      `must be an address or "Name <address>", got "${from.replace(/[\r\n]/g, ' ')}"`,
    );
  }
  return {
    smtpUrl,
    from,
    dir: text(env, 'MAIL_DIR') ?? '.data/mail',
    publicUrlScheme: oneOf(
      env,
      'PUBLIC_URL_SCHEME',
      ['http', 'https'],
      environment === 'production' ? 'https' : 'http',
    ),
    retryDelaySeconds: integer(env, 'MAIL_RETRY_DELAY_SECONDS', 15, 1, 3600),
  };
}

function sms(env: Env, environment: AppConfig['environment']): SmsSettings {
  const provider = oneOf(env, 'SMS_PROVIDER', ['log', 'http'], 'log');
  const url = text(env, 'SMS_HTTP_URL');
  if (provider === 'http' && url === undefined) {
    throw new ConfigError('SMS_HTTP_URL', 'is required when SMS_PROVIDER is http');
  }
  return {
    provider,
    httpUrl: url === undefined ? undefined : httpUrl(env, 'SMS_HTTP_URL', url, environment),
    httpToken: text(env, 'SMS_HTTP_TOKEN'),
    timeoutMs: integer(env, 'SMS_HTTP_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}

function redisUrl(env: Env): string | undefined {
  const raw = text(env, 'REDIS_URL');
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) {
    // The value may hold a password: it is not repeated.
    throw new ConfigError('REDIS_URL', 'must be a redis:// or rediss:// URL with a host');
  }
  return raw;
}

function corsOrigins(env: Env): string[] {
  const raw = text(env, 'CORS_ORIGINS');
  if (raw === undefined) return [];
  return raw.split(',').map((part) => {
    const origin = part.trim();
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    // An origin is scheme, host and port only: no path, no trailing slash, no wildcard.
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be a comma-separated list of origins such as https://app.example.com, got "${origin}"`,
      );
    }
    return origin;
  });
}

function metrics(
  env: Env,
  environment: AppConfig['environment'],
  port: number,
  listenHost: string,
): MetricsSettings {
  const raw = text(env, 'METRICS_PORT');
  const metricsPort = raw === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) {
    throw new ConfigError('METRICS_PORT', `must differ from PORT (${port})`);
  }
  const token = text(env, 'METRICS_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{32,}$/.test(token)) {
    // Not repeated: it is a secret.
    throw new ConfigError('METRICS_TOKEN', 'must be 32 or more printable characters, no spaces');
  }
  if (token !== undefined && metricsPort === undefined) {
    throw new ConfigError(
      'METRICS_TOKEN',
      'is set but METRICS_PORT is not: metrics are served only there',
    );
  }
  if (metricsPort !== undefined && token === undefined && environment === 'production') {
    throw new ConfigError('METRICS_TOKEN', 'is required in production when METRICS_PORT is set');
  }
  return { port: metricsPort, host: text(env, 'METRICS_HOST') ?? listenHost, token };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const environment = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'], 'development');
  const poolSize = integer(env, 'DB_POOL_SIZE', 10, 1, 1000);
  const baseDomain = hostName(env, 'BASE_DOMAIN', 'localhost');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const publicPort = integer(
    env,
    'PUBLIC_URL_PORT',
    environment === 'production' ? 0 : port,
    0,
    65535,
  );
  return {
    environment,
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    apiDatabaseUrl: postgresUrl(env, 'API_DATABASE_URL'),
    port,
    publicUrlPort: publicPort === 0 ? undefined : publicPort,
    listenHost: text(env, 'LISTEN_HOST') ?? '0.0.0.0',
    baseDomain,
    trustProxy: trustProxy(env, environment),
    apiDocs: oneOf(env, 'API_DOCS', ['platform', 'everywhere', 'off'], 'platform'),
    pool: {
      size: poolSize,
      schoolShare: integer(
        env,
        'DB_POOL_SCHOOL_SHARE',
        Math.max(1, Math.ceil(poolSize / 2)),
        1,
        poolSize,
      ),
      maxSchoolsPerConnection: integer(
        env,
        'DB_POOL_MAX_SCHOOLS_PER_CONNECTION',
        1_000,
        1,
        1_000_000,
      ),
      maxUses: integer(env, 'DB_POOL_MAX_USES', 100_000, 1, 100_000_000),
      maxLifetimeSeconds: integer(env, 'DB_POOL_MAX_LIFETIME_SECONDS', 600, 1, 86_400),
      ownerSchoolsPerConnection: integer(
        env,
        'DB_OWNER_SCHOOLS_PER_CONNECTION',
        20,
        1,
        100_000_000,
      ),
      statementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 15_000, 100, 3_600_000),
      connectTimeoutMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 5_000, 100, 120_000),
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
      // OWASP's argon2id floor: 19 MiB, 2 passes, 1 lane. The ceilings are the ones
      // public.is_platform_password_hash accepts: a stored hash never costs more than that.
      memoryKiB: integer(env, 'ARGON2_MEMORY_KIB', 19_456, 19_456, 262_144),
      timeCost: integer(env, 'ARGON2_TIME_COST', 2, 2, 10),
      parallelism: integer(env, 'ARGON2_PARALLELISM', 1, 1, 8),
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
    backupKey: backupKey(env),
    billing: billing(env, environment),
    rateLimits: {
      enabled: booleanFlag(env, 'RATE_LIMITS', true),
      platformClientPerMinute: integer(env, 'RATE_LIMIT_PLATFORM_PER_MINUTE', 120, 1, 1_000_000),
      fallbackSchoolPerMinute: integer(env, 'RATE_LIMIT_SCHOOL_PER_MINUTE', 600, 1, 1_000_000),
      fallbackClientPerMinute: integer(env, 'RATE_LIMIT_CLIENT_PER_MINUTE', 300, 1, 1_000_000),
      refusalHoldMs: integer(env, 'RATE_LIMIT_REFUSAL_HOLD_MS', 1000, 0, 10_000),
    },
    accounts: {
      emailTokenTtlHours: integer(env, 'EMAIL_TOKEN_TTL_HOURS', 48, 1, 24 * 30),
      registrationsPerAddressPerHour: integer(
        env,
        'REGISTRATION_PER_ADDRESS_PER_HOUR',
        10,
        1,
        1_000_000,
      ),
      registrationsPerHour: integer(env, 'REGISTRATION_PER_HOUR', 1000, 1, 1_000_000),
      unverifiedSchoolSuspendDays: integer(env, 'UNVERIFIED_SCHOOL_SUSPEND_DAYS', 14, 0, 3650),
    },
    audit: { retentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 730, 0, 36_500) },
    jobs: jobs(env),
    mail: mail(env, environment, baseDomain),
    sms: sms(env, environment),
    corsOrigins: corsOrigins(env),
    metrics: metrics(env, environment, port, text(env, 'LISTEN_HOST') ?? '0.0.0.0'),
    redisUrl: redisUrl(env),
    importMaxBytes: integer(env, 'IMPORT_MAX_BYTES', 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  };
}

/**
 * The origin of a link to `host` that the platform hands out: scheme and port from
 * configuration, the host from the school registry or BASE_DOMAIN, never from a request's
 * Host header (which a client chooses).
 */
export function publicOrigin(config: AppConfig, host: string): string {
  const port = config.publicUrlPort;
  const defaultPort = config.mail.publicUrlScheme === 'https' ? 443 : 80;
  const suffix = port === undefined || port === defaultPort ? '' : `:${port}`;
  return `${config.mail.publicUrlScheme}://${host}${suffix}`;
}
