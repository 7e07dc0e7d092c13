import { BlockList, isIPv4 } from 'node:net';
import { type AppConfig, loadConfig } from '@schoolyard/config';
import {
  type ComposeFile,
  type ComposeService,
  findAll,
  loadCompose,
  type NginxDirective,
  parseNginx,
  readDockerFile,
} from './support/deployment-files';

/**
 * docker/compose.yaml and docker/nginx.conf, checked by reading (Docker does not run here):
 * the mistakes that would start a stack that misbehaves quietly. A missing secret on one
 * instance, an upstream on the wrong port, a proxy without per-client caps, TRUST_PROXY naming
 * an address the proxy does not have, or the owner's connection through PgBouncer all start
 * without an error message.
 */

/** docker/.env as docker/README.md asks an operator to write it for a server. */
const SERVER_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'ownerpassword0123456789abcdef',
  API_DB_PASSWORD: 'apipassword0123456789abcdef',
  JWT_SECRET: 'a-server-jwt-secret-of-more-than-32-characters',
  CREDENTIALS_KEY: Buffer.alloc(32, 7).toString('base64'),
  SUPERUSER_EMAIL: 'admin@schoolyard.example.org',
  SUPERUSER_PASSWORD: 'a long admin password',
  BASE_DOMAIN: 'schoolyard.example.org',
  ESEWA_PRODUCT_CODE: 'MERCHANT1',
  ESEWA_SECRET_KEY: 'the-merchant-secret',
  ESEWA_FORM_URL: 'https://epay.example.com/api/epay/main/v2/form',
  ESEWA_STATUS_URL: 'https://epay.example.com/api/epay/transaction/status/',
  ESEWA_ALLOW_TEST_SECRET: 'false',
  SMTP_URL: 'smtps://mailer:secret@smtp.example.org:465',
};

const APIS = ['api-1', 'api-2'];
const APP_PROCESSES = [...APIS, 'worker'];
/** pg-boss's graceful stop in libs/jobs waits this long for jobs in flight. */
const JOB_STOP_TIMEOUT_SECONDS = 30;

function service(compose: ComposeFile, name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker/compose.yaml has no service ${name}`);
  return found;
}

function environmentOf(compose: ComposeFile, name: string): Record<string, string> {
  return service(compose, name).environment ?? {};
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)(s|m)$/.exec(duration ?? '');
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

function networkNames(entry: ComposeService): string[] {
  const networks = entry.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}

/** The single value of a `key = value` line of pgbouncer.ini. */
function iniValue(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key.replace('*', '\\*')}\\s*=\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
}

describe.each([
  ['a trial without docker/.env', {} as Record<string, string>],
  ['a server with docker/.env', SERVER_ENV],
])('docker/compose.yaml, %s', (_label, variables) => {
  const compose = loadCompose(variables);

  it.each(APP_PROCESSES)(
    '%s gets every variable production requires, and accepted values',
    (name) => {
      const environment = environmentOf(compose, name);
      expect(environment.NODE_ENV).toBe('production');
      // loadConfig is what the process runs first: it refuses a missing JWT_SECRET or
      // CREDENTIALS_KEY, TRUST_PROXY=true and the eSewa test secret not allowed out loud.
      const config: AppConfig = loadConfig(environment);
      expect(config.auth.jwtSecretGenerated).toBe(false);
      expect(config.credentialsKey).toBeDefined();
      expect(config.databaseUrl).toBeDefined();
      expect(config.apiDatabaseUrl).toBeDefined();
      expect(config.trustProxy).not.toBe(true);
      if (variables.JWT_SECRET) expect(config.auth.jwtSecret).toBe(variables.JWT_SECRET);
      if (variables.ESEWA_SECRET_KEY) {
        expect(config.billing.esewa.secretKey).toBe(variables.ESEWA_SECRET_KEY);
      }
      if (variables.SMTP_URL) expect(config.mail.smtpUrl).toBe(variables.SMTP_URL);
    },
  );

  it('gives every instance and the worker the same secrets, databases and Redis', () => {
    const [first, ...others] = APP_PROCESSES.map((name) => {
      const shared = { ...environmentOf(compose, name) };
      delete shared.JOBS_WORKER;
      return shared;
    });
    for (const other of others) expect(other).toEqual(first);
    const redis = new URL(first.REDIS_URL);
    expect(redis.protocol).toBe('redis:');
    expect(Object.keys(compose.services)).toContain(redis.hostname);
  });

  it('leaves the jobs to the worker', () => {
    for (const name of APIS)
      expect(loadConfig(environmentOf(compose, name)).jobs.worker).toBe(false);
    const worker = service(compose, 'worker');
    expect(loadConfig(environmentOf(compose, 'worker')).jobs.worker).toBe(true);
    expect(worker.command).toEqual(['node', 'dist/apps/worker/main.js']);
    // Docker's default 10 s would SIGKILL a job that pg-boss is still letting finish.
    expect(seconds(worker.stop_grace_period)).toBeGreaterThan(JOB_STOP_TIMEOUT_SECONDS);
  });

  it('sends the owner straight to PostgreSQL and the request pool through PgBouncer', () => {
    const environment = environmentOf(compose, 'api-1');
    const owner = new URL(environment.DATABASE_URL);
    const requests = new URL(environment.API_DATABASE_URL);
    const postgres = service(compose, 'postgres');
    const pgbouncer = service(compose, 'pgbouncer');
    const ini = readDockerFile('pgbouncer.ini');

    expect(postgres.image).toMatch(/^postgres:/);
    expect(owner.hostname).toBe('postgres');
    expect(owner.port).toBe('5432');
    expect(decodeURIComponent(owner.password)).toBe(postgres.environment?.POSTGRES_PASSWORD);

    expect(pgbouncer.image).toMatch(/pgbouncer/);
    expect(requests.hostname).toBe('pgbouncer');
    expect(requests.port).toBe(iniValue(ini, 'listen_port'));
    expect(decodeURIComponent(requests.username)).toBe(pgbouncer.environment?.DB_USER);
    expect(decodeURIComponent(requests.password)).toBe(pgbouncer.environment?.DB_PASSWORD);
    expect(iniValue(ini, 'pool_mode')).toBe('transaction');
    // PgBouncer forwards to the same server the owner uses.
    expect(iniValue(ini, '*')).toBe('host=postgres port=5432');
    for (const url of [owner, requests]) {
      expect(url.pathname).toBe(`/${postgres.environment?.POSTGRES_DB}`);
    }
  });

  it('has a health check on every service, the APIs on GET /health', () => {
    for (const [name, entry] of Object.entries(compose.services)) {
      expect({ name, healthcheck: entry.healthcheck !== undefined }).toEqual({
        name,
        healthcheck: true,
      });
    }
    for (const name of APIS) {
      const test = [service(compose, name).healthcheck?.test ?? []].flat().join(' ');
      expect(test).toContain(`port: ${environmentOf(compose, name).PORT}, path: '/health'`);
    }
  });

  it('lets clients reach the APIs only through the proxy, which the APIs trust alone', () => {
    const proxy = service(compose, 'proxy');
    expect(proxy.volumes).toContain('./nginx.conf:/etc/nginx/nginx.conf:ro');
    for (const name of APP_PROCESSES) expect(service(compose, name).ports).toBeUndefined();

    const [edge] = networkNames(proxy);
    const proxyNetworks = proxy.networks as Record<string, { ipv4_address?: string }>;
    const address = proxyNetworks[edge].ipv4_address ?? '';
    const subnet = compose.networks?.[edge]?.ipam?.config?.[0]?.subnet ?? '';
    const [base, prefix] = subnet.split('/');
    expect(isIPv4(address)).toBe(true);
    const range = new BlockList();
    range.addSubnet(base, Number(prefix), 'ipv4');
    expect(range.check(address, 'ipv4')).toBe(true);
    for (const name of APIS) {
      expect(networkNames(service(compose, name))).toContain(edge);
      expect(environmentOf(compose, name).TRUST_PROXY).toBe(address);
    }
  });
});

describe('docker/nginx.conf', () => {
  const conf = parseNginx(readDockerFile('nginx.conf'));
  const compose = loadCompose({});
  const [http] = findAll(conf, 'http');
  const proxied = findAll(conf, 'location').filter(
    (location) => findAll(location.children ?? [], 'proxy_pass').length,
  );
  const directive = (scope: NginxDirective, name: string) =>
    (scope.children ?? []).filter((child) => child.name === name);

  it('proxies to an upstream listing exactly the API services on their ports', () => {
    expect(proxied).toHaveLength(1);
    const [location] = proxied;
    const [proxyPass] = directive(location, 'proxy_pass');
    const upstreamName = /^http:\/\/([\w-]+)$/.exec(proxyPass.args[0])?.[1];
    const upstream = findAll(conf, 'upstream').find((block) => block.args[0] === upstreamName);
    const servers = directive(upstream ?? { name: '', args: [] }, 'server').map(
      (server) => server.args[0],
    );
    expect(servers.sort()).toEqual(
      APIS.map((name) => `${name}:${environmentOf(compose, name).PORT}`).sort(),
    );
    // `server ... resolve` (addresses looked up again as containers come and go) is refused
    // as an unknown parameter by nginx before 1.27.3.
    const [major, minor, patch] = (
      /^nginx:(\d+)\.(\d+)(?:\.(\d+))?/.exec(service(compose, 'proxy').image ?? '') ?? []
    )
      .slice(1)
      .map((part) => Number(part ?? 0));
    expect(major * 10_000 + minor * 100 + patch).toBeGreaterThanOrEqual(1_27_03);
  });

  it('caps connections and requests per client address, answering 429', () => {
    const zones = (name: string) =>
      directive(http, name)
        .filter((zone) => zone.args[0] === '$binary_remote_addr')
        .map((zone) => /^zone=([\w-]+):/.exec(zone.args[1])?.[1]);
    const [location] = proxied;
    const [limitConn] = directive(location, 'limit_conn');
    const [limitReq] = directive(location, 'limit_req');
    expect(zones('limit_conn_zone')).toContain(limitConn?.args[0]);
    expect(Number(limitConn?.args[1])).toBeGreaterThan(0);
    expect(zones('limit_req_zone')).toContain(limitReq?.args[0]?.replace(/^zone=/, ''));
    expect(directive(http, 'limit_conn_status')[0]?.args).toEqual(['429']);
    expect(directive(http, 'limit_req_status')[0]?.args).toEqual(['429']);
  });

  it('passes the host and the client address the APIs read', () => {
    const [location] = proxied;
    const headers = Object.fromEntries(
      directive(location, 'proxy_set_header').map((header) => [header.args[0], header.args[1]]),
    );
    expect(headers).toMatchObject({
      Host: '$host',
      'X-Forwarded-Host': '$host',
      // The address the limits above counted, not one the client wrote.
      'X-Forwarded-For': '$remote_addr',
    });
  });
});
