import { EventEmitter } from 'node:events';
import { type PoolClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { adoptConnection, affinityKeyOf } from './school-connection';
import { type School } from './school';

/** A pooled connection as the pool lends it: answers queries, remembers its release. */
class LentClient extends EventEmitter {
  releases: Array<Error | boolean | undefined> = [];
  queries: string[] = [];

  query(sql: string): Promise<unknown> {
    this.queries.push(sql);
    return Promise.resolve({ command: 'SELECT', rowCount: 1, rows: [{ answer: 1 }] });
  }

  release(error?: Error | boolean): void {
    this.releases.push(error);
  }
}

/** The TypeORM we ship, never connected: its query runners must not ask for a pool. */
function runnerOfShippedTypeOrm(): { runner: QueryRunner; connected: QueryRunner[] } {
  const source = new DataSource({ type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' });
  const runner = source.createQueryRunner();
  const connected = (source.driver as unknown as { connectedQueryRunners: QueryRunner[] })
    .connectedQueryRunners;
  return { runner, connected };
}

describe('adoptConnection, against the TypeORM we ship', () => {
  it('makes the runner query on the connection it was given, and hand it back on release', async () => {
    const { runner, connected } = runnerOfShippedTypeOrm();
    const client = new LentClient();
    adoptConnection(runner, client as unknown as PoolClient);
    await expect(runner.connect()).resolves.toBe(client);
    await expect(runner.query('SELECT 1 AS answer')).resolves.toEqual([{ answer: 1 }]);
    expect(client.queries).toEqual(['SELECT 1 AS answer']);
    expect(connected).toEqual([runner]);
    await runner.release();
    expect(client.releases).toEqual([undefined]);
    expect(client.listenerCount('error')).toBe(0);
    expect(connected).toEqual([]);
    expect(runner.isReleased).toBe(true);
  });

  it('hands a connection back with the error, so the pool destroys it', async () => {
    const { runner } = runnerOfShippedTypeOrm();
    const client = new LentClient();
    adoptConnection(runner, client as unknown as PoolClient);
    const failure = new Error('rollback failed');
    await (
      runner as unknown as { releasePostgresConnection(e: Error): Promise<void> }
    ).releasePostgresConnection(failure);
    expect(client.releases).toEqual([failure]);
  });

  it('releases at once when the connection breaks, and refuses further queries', async () => {
    const { runner, connected } = runnerOfShippedTypeOrm();
    const client = new LentClient();
    adoptConnection(runner, client as unknown as PoolClient);
    const lost = new Error('terminating connection due to administrator command');
    client.emit('error', lost);
    expect(client.releases).toEqual([lost]);
    expect(runner.isReleased).toBe(true);
    expect(connected).toEqual([]);
    await expect(runner.query('SELECT 1')).rejects.toThrow(/released/);
    await runner.release();
    expect(client.releases).toHaveLength(1);
  });

  it('refuses a runner that already has a connection', () => {
    const { runner } = runnerOfShippedTypeOrm();
    adoptConnection(runner, new LentClient() as unknown as PoolClient);
    expect(() => adoptConnection(runner, new LentClient() as unknown as PoolClient)).toThrow(
      /already connected/,
    );
  });
});

describe('affinityKeyOf', () => {
  const school: School = {
    id: 'a1',
    slug: 'oxford',
    name: 'Oxford',
    status: 'active',
    schemaName: 'school_oxford',
    dbRole: 'school_oxford_role',
  };

  it("is a school's schema, and none for the platform's work in the public schema", () => {
    expect(affinityKeyOf(school)).toBe('school_oxford');
    expect(affinityKeyOf({ ...school, schemaName: 'public', id: 'platform:a1' })).toBeUndefined();
  });
});
