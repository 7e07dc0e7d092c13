import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('applies defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.baseDomain).toBe('localhost');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.trustProxy).toBe(false);
    expect(config.argon2).toMatchObject({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });
    expect(config.argon2.concurrency).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL must start with postgres/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL is not a URL/],
    ['DATABASE_URL', 'postgres://127.0.0.1:5432', /DATABASE_URL must name a database/],
    ['BASE_DOMAIN', 'bad_domain!', /BASE_DOMAIN must be a host name/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of/],
    ['TRUST_PROXY', 'everyone', /TRUST_PROXY must be true, false/],
    ['ARGON2_MEMORY_KIB', '1024', /ARGON2_MEMORY_KIB must be between/],
    [
      'DB_POOL_MAX_SCHOOLS_PER_CONNECTION',
      '0',
      /DB_POOL_MAX_SCHOOLS_PER_CONNECTION must be between 1 and/,
    ],
    ['JWT_SECRET', 'short', /JWT_SECRET must be 32 characters or more/],
    ['COOKIE_SECURE', 'maybe', /COOKIE_SECURE must be true or false/],
    ['CREDENTIALS_KEY', 'c2hvcnQ=', /CREDENTIALS_KEY must be 32 bytes/],
    ['BILLING_TRIAL_PLAN', 'Trial Plan', /BILLING_TRIAL_PLAN must be a plan code/],
    ['BILLING_TRIAL_DAYS', '0', /BILLING_TRIAL_DAYS must be between 1 and 365/],
    ['ESEWA_PRODUCT_CODE', 'EPAY TEST', /ESEWA_PRODUCT_CODE must be eSewa's merchant code/],
    ['ESEWA_FORM_URL', 'not a url', /ESEWA_FORM_URL is not a URL/],
    ['ESEWA_STATUS_URL', 'ftp://esewa.example/status', /ESEWA_STATUS_URL must be an http\(s\) URL/],
    ['ESEWA_TIMEOUT_MS', '10', /ESEWA_TIMEOUT_MS must be between/],
    ['ESEWA_ALLOW_TEST_SECRET', 'perhaps', /ESEWA_ALLOW_TEST_SECRET must be true or false/],
    ['EMAIL_TOKEN_TTL_HOURS', '0', /EMAIL_TOKEN_TTL_HOURS must be between 1 and 720/],
    [
      'REGISTRATION_PER_ADDRESS_PER_HOUR',
      'ten',
      /REGISTRATION_PER_ADDRESS_PER_HOUR must be a whole/,
    ],
    ['REGISTRATION_PER_HOUR', '0', /REGISTRATION_PER_HOUR must be between 1 and/],
    ['UNVERIFIED_SCHOOL_SUSPEND_DAYS', '-1', /UNVERIFIED_SCHOOL_SUSPEND_DAYS must be a whole/],
    ['JOBS_SCHEMA', 'pg-boss', /JOBS_SCHEMA must be a schema name/],
    ['JOBS_WORKER', 'sometimes', /JOBS_WORKER must be true or false/],
    ['JOBS_MAINTENANCE_INTERVAL_SECONDS', '0', /JOBS_MAINTENANCE_INTERVAL_SECONDS must be between/],
    ['JOBS_STOP_TIMEOUT_SECONDS', 'soon', /JOBS_STOP_TIMEOUT_SECONDS must be a whole/],
    ['SMTP_URL', 'mail.example.com:25', /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['SMTP_URL', 'https://mail.example.com', /SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/],
    ['REDIS_URL', '127.0.0.1:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['REDIS_URL', 'http://127.0.0.1:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['MAIL_FROM', 'Schoolyard', /MAIL_FROM must be an address or "Name <address>"/],
    ['SMS_PROVIDER', 'pigeon', /SMS_PROVIDER must be one of log, http/],
    ['SMS_PROVIDER', 'http', /SMS_HTTP_URL is required when SMS_PROVIDER is http/],
    ['SMS_HTTP_URL', 'ftp://sms.example.com', /SMS_HTTP_URL must be an http\(s\) URL/],
    ['SMS_HTTP_TIMEOUT_MS', '5', /SMS_HTTP_TIMEOUT_MS must be between 100 and 120000/],
    ['IMPORT_MAX_BYTES', '10', /IMPORT_MAX_BYTES must be between 1024 and 104857600/],
    ['MAIL_FROM', 'A <b@c> <d@e>', /MAIL_FROM must be an address/],
    ['PUBLIC_URL_SCHEME', 'ftp', /PUBLIC_URL_SCHEME must be one of http, https/],
    ['MAIL_RETRY_DELAY_SECONDS', '0', /MAIL_RETRY_DELAY_SECONDS must be between 1 and 3600/],
    [
      'SUPERUSER_EMAIL',
      'admin@example.org',
      /SUPERUSER_PASSWORD must be set together with SUPERUSER_EMAIL/,
    ],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('recycles a pooled connection by the schools it served, with uses a distant backstop', () => {
    expect(loadConfig({}).pool).toMatchObject({
      size: 10,
      maxSchoolsPerConnection: 1000,
      maxUses: 100_000,
      maxLifetimeSeconds: 600,
    });
    expect(
      loadConfig({ DB_POOL_MAX_SCHOOLS_PER_CONNECTION: '250' }).pool.maxSchoolsPerConnection,
    ).toBe(250);
  });

  it('requires a JWT secret in production and generates one elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET is required in production/,
    );
    const development = loadConfig({});
    expect(development.auth.jwtSecretGenerated).toBe(true);
    expect(development.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(development.auth.secureCookies).toBe(false);
    const production = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      CREDENTIALS_KEY: 'ab'.repeat(32),
      ESEWA_SECRET_KEY: 'the merchant secret',
    });
    expect(production.auth).toMatchObject({ jwtSecretGenerated: false, secureCookies: true });
  });

  it('derives the device-token key from the JWT secret, and bounds the account-token lifetimes', () => {
    const one = loadConfig({ JWT_SECRET: 'x'.repeat(40) });
    const same = loadConfig({ JWT_SECRET: 'x'.repeat(40) });
    const other = loadConfig({ JWT_SECRET: 'y'.repeat(40) });
    expect(one.auth.deviceTokenKey).toEqual(same.auth.deviceTokenKey);
    expect(one.auth.deviceTokenKey).not.toEqual(other.auth.deviceTokenKey);
    expect(one.auth.deviceTokenKey.toString('utf8')).not.toContain('x'.repeat(8));
    expect(one.auth).toMatchObject({ deviceTokenTtlDays: 365, passwordResetTtlMinutes: 60 });
    expect(loadConfig({ PASSWORD_RESET_TTL_MINUTES: '30' }).auth.passwordResetTtlMinutes).toBe(30);
    expect(() => loadConfig({ PASSWORD_RESET_TTL_MINUTES: '2' })).toThrow(
      /PASSWORD_RESET_TTL_MINUTES must be between 5 and 1440/,
    );
    expect(() => loadConfig({ DEVICE_TOKEN_TTL_DAYS: '0' })).toThrow(/DEVICE_TOKEN_TTL_DAYS/);
  });

  it('requires a credentials key in production, as base64 or hex', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /CREDENTIALS_KEY is required in production/,
    );
    expect(loadConfig({}).credentialsKey).toBeUndefined();
    const base64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ CREDENTIALS_KEY: base64 }).credentialsKey).toEqual(Buffer.alloc(32, 7));
    expect(loadConfig({ CREDENTIALS_KEY: '07'.repeat(32) }).credentialsKey).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  it('takes a backup key of exactly 32 bytes as base64, or none', () => {
    expect(loadConfig({}).backupKey).toBeUndefined();
    const base64 = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ BACKUP_KEY: base64 }).backupKey).toEqual(Buffer.alloc(32, 9));
    expect(() => loadConfig({ BACKUP_KEY: Buffer.alloc(16).toString('base64') })).toThrow(
      /BACKUP_KEY must be 32 bytes/,
    );
    expect(() => loadConfig({ BACKUP_KEY: '09'.repeat(32) })).toThrow(/BACKUP_KEY/);
  });

  it('logs text messages unless an http gateway is named, https only in production', () => {
    expect(loadConfig({}).sms).toEqual({
      provider: 'log',
      httpUrl: undefined,
      httpToken: undefined,
      timeoutMs: 10_000,
    });
    expect(
      loadConfig({
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL: 'https://sms.example.com/send',
        SMS_HTTP_TOKEN: 't0k',
      }).sms,
    ).toMatchObject({
      provider: 'http',
      httpUrl: 'https://sms.example.com/send',
      httpToken: 't0k',
    });
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        CREDENTIALS_KEY: '07'.repeat(32),
        ESEWA_ALLOW_TEST_SECRET: 'true',
        SMS_HTTP_URL: 'http://sms.example.com',
      }),
    ).toThrow(/SMS_HTTP_URL must be an https URL in production/);
  });

  it('limits registrations and keeps verification links for two days by default', () => {
    expect(loadConfig({}).accounts).toEqual({
      emailTokenTtlHours: 48,
      registrationsPerAddressPerHour: 10,
      registrationsPerHour: 1000,
      unverifiedSchoolSuspendDays: 14,
    });
    expect(
      loadConfig({ UNVERIFIED_SCHOOL_SUSPEND_DAYS: '0' }).accounts.unverifiedSchoolSuspendDays,
    ).toBe(0);
  });

  it('keeps audit entries for two years by default, for ever with 0, and refuses other text', () => {
    expect(loadConfig({}).audit).toEqual({ retentionDays: 730 });
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '0' }).audit.retentionDays).toBe(0);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '90' }).audit.retentionDays).toBe(90);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '-1' })).toThrow(/AUDIT_RETENTION_DAYS/);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: 'two years' })).toThrow(/AUDIT_RETENTION_DAYS/);
  });

  it('accepts a list of trusted proxies, and refuses trusting every hop in production', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
    ]);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      CREDENTIALS_KEY: 'ab'.repeat(32),
      ESEWA_SECRET_KEY: 'the merchant secret',
    };
    expect(() => loadConfig({ ...production, TRUST_PROXY: 'true' })).toThrow(
      /TRUST_PROXY must name the proxy addresses/,
    );
    expect(loadConfig({ ...production, TRUST_PROXY: '10.0.0.1' }).trustProxy).toEqual(['10.0.0.1']);
  });

  it('serves the API docs at the platform host unless told otherwise', () => {
    expect(loadConfig({}).apiDocs).toBe('platform');
    expect(loadConfig({ API_DOCS: 'off' }).apiDocs).toBe('off');
    expect(() => loadConfig({ API_DOCS: 'schools' })).toThrow(/API_DOCS/);
  });

  it("defaults to eSewa's test environment and keeps its public secret out of production", () => {
    expect(loadConfig({}).billing).toEqual({
      trialPlan: 'trial',
      trialDays: 30,
      esewa: {
        productCode: 'EPAYTEST',
        secretKey: '8gBm/:&EnhH.1/q',
        formUrl: 'https://rc-epay.esewa.com.np/api/epay/main/v2/form',
        statusUrl: 'https://rc.esewa.com.np/api/epay/transaction/status/',
        timeoutMs: 10_000,
        usesTestSecret: true,
      },
    });
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      CREDENTIALS_KEY: 'ab'.repeat(32),
    };
    expect(() => loadConfig(production)).toThrow(/ESEWA_SECRET_KEY is eSewa's public test secret/);
    expect(() => loadConfig({ ...production, ESEWA_SECRET_KEY: '8gBm/:&EnhH.1/q' })).toThrow(
      /ESEWA_SECRET_KEY is eSewa's public test secret/,
    );
    expect(
      loadConfig({ ...production, ESEWA_ALLOW_TEST_SECRET: 'true' }).billing.esewa,
    ).toMatchObject({
      usesTestSecret: true,
    });
    expect(() =>
      loadConfig({
        ...production,
        ESEWA_SECRET_KEY: 'the merchant secret',
        ESEWA_STATUS_URL: 'http://esewa.example/status',
      }),
    ).toThrow(/ESEWA_STATUS_URL must be an https URL in production/);
    expect(
      loadConfig({ ESEWA_STATUS_URL: 'http://127.0.0.1:4000/status' }).billing.esewa.statusUrl,
    ).toBe('http://127.0.0.1:4000/status');
  });

  it('sends mail as files and links over http outside production, over https in it', () => {
    expect(loadConfig({ BASE_DOMAIN: 'schoolyard.example.org' }).mail).toEqual({
      smtpUrl: undefined,
      from: 'Schoolyard <no-reply@schoolyard.example.org>',
      dir: '.data/mail',
      publicUrlScheme: 'http',
      retryDelaySeconds: 15,
    });
    const production = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      CREDENTIALS_KEY: 'ab'.repeat(32),
      ESEWA_SECRET_KEY: 'the merchant secret',
      SMTP_URL: 'smtps://user:pass@mail.example.org:465',
      MAIL_FROM: 'school-mail@example.org',
    });
    expect(production.mail).toMatchObject({
      smtpUrl: 'smtps://user:pass@mail.example.org:465',
      from: 'school-mail@example.org',
      publicUrlScheme: 'https',
    });
    expect(loadConfig({ PUBLIC_URL_SCHEME: 'https' }).mail.publicUrlScheme).toBe('https');
  });

  it('shares limits through REDIS_URL only when it is set, and never repeats a refused one', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6380/2' }).redisUrl).toBe(
      'rediss://:pw@cache.internal:6380/2',
    );
    expect(() => loadConfig({ REDIS_URL: 'memcached://user:s3cret@host' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('never repeats a refused SMTP_URL, which may hold a password', () => {
    expect(() => loadConfig({ SMTP_URL: 'mysql://user:s3cret@host' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });

  it('works jobs in the pgboss schema unless told otherwise', () => {
    expect(loadConfig({}).jobs).toEqual({
      schema: 'pgboss',
      worker: true,
      maintenanceIntervalSeconds: 60,
      stopTimeoutSeconds: 30,
    });
    expect(
      loadConfig({
        JOBS_SCHEMA: 'jobs_1',
        JOBS_WORKER: 'false',
        JOBS_MAINTENANCE_INTERVAL_SECONDS: '1',
        JOBS_STOP_TIMEOUT_SECONDS: '5',
      }).jobs,
    ).toEqual({
      schema: 'jobs_1',
      worker: false,
      maintenanceIntervalSeconds: 1,
      stopTimeoutSeconds: 5,
    });
  });

  it('serves metrics only on METRICS_PORT, off by default, with a token required in production', () => {
    const token = 'm'.repeat(32);
    expect(loadConfig({}).metrics).toEqual({ port: undefined, host: '0.0.0.0', token: undefined });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: token }).metrics).toEqual({
      port: 9464,
      host: '0.0.0.0',
      token,
    });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '127.0.0.1' }).metrics.host).toBe(
      '127.0.0.1',
    );
    expect(() => loadConfig({ METRICS_PORT: '3000' })).toThrow(
      /METRICS_PORT must differ from PORT/,
    );
    expect(() => loadConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT must be a whole/);
    expect(() => loadConfig({ METRICS_TOKEN: token })).toThrow(/METRICS_PORT is not/);
    expect(() => loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN must be 32 or more/,
    );
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(32),
      CREDENTIALS_KEY: Buffer.alloc(32, 1).toString('base64'),
      ESEWA_SECRET_KEY: 'the merchant secret',
      METRICS_PORT: '9464',
    };
    expect(() => loadConfig(production)).toThrow(/METRICS_TOKEN is required in production/);
    expect(loadConfig({ ...production, METRICS_TOKEN: token }).metrics.token).toBe(token);
  });
});
