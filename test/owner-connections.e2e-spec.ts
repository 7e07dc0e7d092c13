import { OwnerConnections } from '@schoolyard/database';
import { DataSource, type QueryRunner } from 'typeorm';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  testDatabaseUrl,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';

/** The backend serving a runner's connection. */
async function backendOf(runner: QueryRunner): Promise<number> {
  const [row]: Array<{ pid: number }> = await runner.query('SELECT pg_backend_pid() AS pid');
  return row.pid;
}

describe('owner connections are closed after a number of schools', () => {
  // One connection, so the pool can only hand out the one it kept, or a new one.
  let owner: DataSource;

  beforeAll(async () => {
    owner = new DataSource({ type: 'postgres', url: testDatabaseUrl(), extra: { max: 1 } });
    await owner.initialize();
  });
  afterAll(async () => {
    await owner.destroy();
  });

  const schoolOnNextConnection = async (connections: OwnerConnections) => {
    const runner = owner.createQueryRunner();
    await runner.connect();
    const pid = await backendOf(runner);
    await connections.releaseAfterSchool(runner);
    return pid;
  };

  it('keeps a connection for its first schools and closes it after the last', async () => {
    const connections = new OwnerConnections(3);
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) pids.push(await schoolOnNextConnection(connections));
    expect(pids[1]).toBe(pids[0]);
    expect(pids[2]).toBe(pids[0]);
    expect(pids[3]).not.toBe(pids[0]);
  });

  it('counts schools only, not other work on the connection', async () => {
    const connections = new OwnerConnections(2);
    const first = await schoolOnNextConnection(connections);
    for (let i = 0; i < 3; i++) {
      const runner = owner.createQueryRunner();
      await runner.connect();
      expect(await backendOf(runner)).toBe(first);
      await runner.release();
    }
    expect(await schoolOnNextConnection(connections)).toBe(first);
    expect(await schoolOnNextConnection(connections)).not.toBe(first);
  });

  it('releases a runner that never connected', async () => {
    await expect(
      new OwnerConnections(1).releaseAfterSchool(owner.createQueryRunner()),
    ).resolves.toBeUndefined();
    const runner = owner.createQueryRunner();
    await runner.connect();
    await expect(backendOf(runner)).resolves.toEqual(expect.any(Number));
    await runner.release();
  });
});

describe('registration on an owner connection closed after every school', () => {
  it('builds each school completely on a new backend', async () => {
    const t = await createTestApp({ DB_OWNER_SCHOOLS_PER_CONNECTION: '1' });
    try {
      const made: RegisteredSchool[] = [];
      for (let i = 0; i < 3; i++)
        made.push(await registerSchool(t.app, { subdomain: uniqueSubdomain('own-') }));
      await withOwnerClient(async (db) => {
        for (const school of made) {
          const schema = `school_${school.slug.replace(/-/g, '_')}`;
          const { rows } = await db.query<{ tables: number; ledger: string }>(
            `SELECT (SELECT count(*)::int FROM pg_tables WHERE schemaname = $1) AS tables,
                    (SELECT state FROM tenant_migration_ledger WHERE organization_id = $2) AS ledger`,
            [schema, school.id],
          );
          expect(rows[0]).toEqual({ tables: 64, ledger: 'current' });
        }
      });
    } finally {
      await t.close();
    }
  });
});
