import { roleNameFor, schemaNameFor } from '@schoolyard/tenancy';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Client } from 'pg';
import { releaseName } from '../../scripts/fleet/release-migration';
import { buildCli, builtEnv, exited, runCommand, spawnCommand } from '../support/cli';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type TestApp,
  testDatabaseUrl,
  uniqueSubdomain,
  withOwnerClient,
} from '../support/test-app';
import { freePort } from '@schoolyard/database';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The test's own connection, which holds the locks a crashing process is made to wait on. */
interface Holder {
  client: Client;
  pid: number;
}

async function connectHolder(): Promise<Holder> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return { client, pid: rows[0].pid };
}

/** Backends of this database waiting on a lock `holder` (the test's own connection) holds. */
async function blockedBy(holder: Holder, querying = ''): Promise<number[]> {
  const rows = await withOwnerClient((db) =>
    db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND $1 = ANY(pg_blocking_pids(pid))
          AND strpos(query, $2) > 0`,
      [holder.pid, querying],
    ),
  );
  return rows.rows.map((row) => row.pid);
}

async function gone(pids: number[]): Promise<true | undefined> {
  const rows = await withOwnerClient((db) =>
    db.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)`, [pids]),
  );
  return rows.rowCount === 0 ? true : undefined;
}

/** The built API, as production runs it (`node dist/apps/api/main.js`), in a child process. */
async function startBuiltApi(): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn('node', ['dist/apps/api/main.js'], {
    cwd: process.cwd(),
    env: builtEnv({
      // Production mode: no fleet catch-up at start, which would touch other suites' schools.
      NODE_ENV: 'production',
      CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      ESEWA_ALLOW_TEST_SECRET: 'true',
      PORT: String(port),
      LISTEN_HOST: '127.0.0.1',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(
    'the built API to listen',
    async () => {
      if (child.exitCode !== null) throw new Error(`the API exited at start:\n${output}`);
      return output.includes('Schoolyard is listening') ? true : undefined;
    },
    30_000,
  );
  return { child, port };
}

/** Sends a request and ignores what becomes of it: its process is about to be killed. */
function fireAndForget(port: number, path: string, body: object): void {
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    headers: { host: 'localhost', 'content-type': 'application/json' },
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify(body));
}

describe('crash in the middle of provisioning and of a fleet migration', () => {
  let t: TestApp;
  let holder: Holder;

  beforeAll(async () => {
    [t] = await Promise.all([createTestApp(), buildCli()]);
  }, 180_000);
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    holder = await connectHolder();
  });
  afterEach(async () => {
    await holder.client.end();
  });

  it('leaves no half-made school when the API is killed while registering, and registering again succeeds', async () => {
    const subdomain = uniqueSubdomain('crash');
    const email = `owner@${subdomain}.example`;
    // Registration links its owner to the school near the end of its one transaction, after
    // the school's row, domain, role, schema, tables and the owner's account: a lock on the
    // membership table makes it wait right there, with nearly everything but the commit done.
    // (Emails no longer block each other: only verified ones are unique.)
    await holder.client.query('BEGIN');
    await holder.client.query('LOCK TABLE public.school_memberships IN SHARE ROW EXCLUSIVE MODE');

    const api = await startBuiltApi();
    let provisioning: number;
    try {
      fireAndForget(api.port, '/api/organizations/register', {
        name: 'Crashing School',
        subdomain,
        owner: { firstName: 'Cora', lastName: 'Crash', email, password: 'a long enough password' },
      });
      [provisioning] = await until('registration to wait mid-transaction', async () => {
        // Another suite's writer may queue behind the lock too: the registration is the one
        // inserting the owner's membership.
        const pids = await blockedBy(holder, 'INSERT INTO public.school_memberships');
        return pids.length ? pids : undefined;
      });
      // Inside the registration's transaction, the school exists in full.
      const inside = await withOwnerClient((db) =>
        db.query(`SELECT query FROM pg_stat_activity WHERE pid = $1`, [provisioning]),
      );
      expect(inside.rows[0].query).toContain('INSERT INTO public.school_memberships');

      api.child.kill('SIGKILL');
      await exited(api.child);
    } finally {
      if (api.child.exitCode === null && api.child.signalCode === null) api.child.kill('SIGKILL');
    }
    await holder.client.query('ROLLBACK');
    // PostgreSQL rolls the orphaned transaction back once it notices its client is gone.
    await until('the killed registration to end', () => gone([provisioning]));

    await withOwnerClient(async (db) => {
      const traces = await db.query(
        `SELECT
           (SELECT count(*) FROM public.organizations WHERE slug = $1)::int AS organizations,
           (SELECT count(*) FROM public.domains WHERE host = $2)::int AS domains,
           (SELECT count(*) FROM pg_namespace WHERE nspname = $3)::int AS schemas,
           (SELECT count(*) FROM pg_roles WHERE rolname = $4)::int AS roles,
           (SELECT count(*) FROM public.users WHERE lower(email) = lower($5))::int AS accounts`,
        [
          subdomain,
          `${subdomain}.localhost`,
          schemaNameFor(subdomain),
          roleNameFor(subdomain, t.urls.databaseTag),
          email,
        ],
      );
      expect(traces.rows[0]).toEqual({
        organizations: 0,
        domains: 0,
        schemas: 0,
        roles: 0,
        accounts: 0,
      });
    });

    const again = await registerSchool(t.app, { subdomain, email });
    expect(again.slug).toBe(subdomain);
    const school = await t.app.inject({ url: '/api/school', headers: { host: again.host } });
    expect(school.statusCode).toBe(200);
  }, 90_000);

  it('keeps the ledger truthful when the CLI is killed mid-migration, and a re-run finishes', async () => {
    const schools: RegisteredSchool[] = [];
    for (let i = 0; i < 6; i += 3) {
      schools.push(...(await Promise.all([0, 1, 2].map(() => registerSchool(t.app)))));
    }
    const slugs = schools.map((school) => school.slug);
    const column = `crash_${randomBytes(3).toString('hex')}`;
    const release = { columns: [column], timestamp: 1763999100001 };
    const released = releaseName(release.columns, release.timestamp);
    const [previous] = await withOwnerClient(async (db) =>
      (
        await db.query<{ last_migration: string }>(
          `SELECT last_migration FROM public.tenant_migration_ledger WHERE organization_id = $1`,
          [schools[0].id],
        )
      ).rows.map((row) => row.last_migration),
    );

    // Two schools will be caught mid-way: one after its ALTER TABLE ran (its own migration
    // table is locked), one with everything applied and only the ledger write left.
    const [altered, recorded] = schools;
    await holder.client.query('BEGIN');
    await holder.client.query(
      `LOCK TABLE "${schemaNameFor(altered.slug)}".school_migrations IN EXCLUSIVE MODE`,
    );
    await holder.client.query(
      `SELECT 1 FROM public.tenant_migration_ledger WHERE organization_id = $1 FOR UPDATE`,
      [recorded.id],
    );

    const cli = spawnCommand(
      ['tenants', 'migrate', '--schools', slugs.join(','), '--json'],
      release,
    );
    try {
      await until('two schools to wait and the other four to be migrated', async () => {
        const waiting = await blockedBy(holder);
        const ledger = await ledgerOf(slugs);
        const done = slugs.filter((slug) => ledger.get(slug) === released);
        return waiting.length === 2 && done.length === 4 ? true : undefined;
      });
      cli.kill('SIGKILL');
      await exited(cli);
    } finally {
      if (cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
    }
    const waiting = await blockedBy(holder);
    await holder.client.query('ROLLBACK');
    await until('the killed migrations to end', () => gone(waiting));

    // Truthful: the ledger, the school's own migration table and its columns agree everywhere.
    const ledger = await ledgerOf(slugs);
    for (const school of schools) {
      const caught = school === altered || school === recorded;
      const state = await schoolState(school.slug, released, column);
      expect({ slug: school.slug, ledger: ledger.get(school.slug), ...state }).toEqual({
        slug: school.slug,
        ledger: caught ? previous : released,
        recordsRelease: !caught,
        hasColumn: !caught,
      });
    }

    const rerun = await runCommand(
      ['tenants', 'migrate', '--schools', slugs.join(','), '--json'],
      release,
    );
    expect(rerun.code).toBe(0);
    const summary = rerun.json<{ migrated: string[]; failed: unknown[] }>();
    expect({ migrated: [...summary.migrated].sort(), failed: summary.failed }).toEqual({
      migrated: [altered.slug, recorded.slug].sort(),
      failed: [],
    });
    const after = await ledgerOf(slugs);
    for (const school of schools) {
      expect(after.get(school.slug)).toBe(released);
      expect(await schoolState(school.slug, released, column)).toEqual({
        recordsRelease: true,
        hasColumn: true,
      });
    }
  }, 120_000);
});

async function ledgerOf(slugs: string[]): Promise<Map<string, string>> {
  return withOwnerClient(async (db) => {
    const { rows } = await db.query<{ slug: string; last_migration: string }>(
      `SELECT o.slug, l.last_migration FROM public.organizations o
         JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE o.slug = ANY($1) AND l.state = 'current'`,
      [slugs],
    );
    return new Map(rows.map((row) => [row.slug, row.last_migration]));
  });
}

/** What the school's schema itself says: does it record the release, does it have its column? */
async function schoolState(slug: string, released: string, column: string) {
  return withOwnerClient(async (db) => {
    const schema = schemaNameFor(slug);
    const recorded = await db.query(`SELECT 1 FROM "${schema}".school_migrations WHERE name = $1`, [
      released,
    ]);
    const columns = await db.query(
      `SELECT 1 FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'students' AND column_name = $2`,
      [schema, column],
    );
    return { recordsRelease: recorded.rowCount === 1, hasColumn: columns.rowCount === 1 };
  });
}
