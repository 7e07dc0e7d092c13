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
    ['JWT_SECRET', 'short', /JWT_SECRET must be 32 characters or more/],
    ['COOKIE_SECURE', 'maybe', /COOKIE_SECURE must be true or false/],
    ['CREDENTIALS_KEY', 'c2hvcnQ=', /CREDENTIALS_KEY must be 32 bytes/],
    [
      'SUPERUSER_EMAIL',
      'admin@example.org',
      /SUPERUSER_PASSWORD must be set together with SUPERUSER_EMAIL/,
    ],
  ])('refuses %s=%s naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
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
    });
    expect(production.auth).toMatchObject({ jwtSecretGenerated: false, secureCookies: true });
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

  it('accepts a list of trusted proxies', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
    ]);
  });
});
