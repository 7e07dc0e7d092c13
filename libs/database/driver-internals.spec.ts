import { EventEmitter } from 'node:events';
import { Client, type PoolClient } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { startWireServer, type WireServer } from '../../test/support/wire-server';
import {
  adoptConnection,
  adoptOpenTransaction,
  connectionOf,
  inOneWrite,
  interceptQueries,
  releaseRunner,
  sendQuery,
} from './driver-internals';

/*
 * Pins every private internal the adapter uses to the pg and TypeORM in the lockfile. A pg or
 * TypeORM upgrade that moves one of them fails here, in a unit run, before any request does.
 */

/** A pooled connection as the pool lends it: answers queries, remembers its release. */
class LentClient extends EventEmitter {
  releases: Array<Error | boolean | undefined> = [];
  queries: string[] = [];

  query(sql: string): Promise<unknown> {
    this.queries.push(sql);
    if (sql.includes('FAIL')) return Promise.reject(new Error('failed as asked'));
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

function adopted(): { runner: QueryRunner; client: LentClient; connected: QueryRunner[] } {
  const { runner, connected } = runnerOfShippedTypeOrm();
  const client = new LentClient();
  adoptConnection(runner, client as unknown as PoolClient);
  return { runner, client, connected };
}

describe('TypeORM query runner internals, against the TypeORM we ship', () => {
  it('makes the runner query on the connection it was given, and hand it back on release', async () => {
    const { runner, client, connected } = adopted();
    expect(connectionOf(runner)).toBe(client);
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

  it('hands a connection back with the error, so the pool destroys it (a failed rollback)', async () => {
    const { runner, client } = adopted();
    const failure = new Error('rollback failed');
    await releaseRunner(runner, failure);
    expect(client.releases).toEqual([failure]);
    expect(runner.isReleased).toBe(true);
  });

  it('releases at once when the connection breaks, and refuses further queries', async () => {
    const { runner, client, connected } = adopted();
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
    const { runner } = adopted();
    expect(() => adoptConnection(runner, new LentClient() as unknown as PoolClient)).toThrow(
      /already connected/,
    );
  });

  it('turns a nested transaction inside an adopted one into a savepoint, never a COMMIT', async () => {
    const { runner, client } = adopted();
    adoptOpenTransaction(runner);
    expect(runner.isTransactionActive).toBe(true);
    await runner.manager.transaction((inner) => inner.query('SELECT 2'));
    await expect(
      runner.manager.transaction((inner) => inner.query('SELECT FAIL')),
    ).rejects.toThrow();
    expect(client.queries).toEqual([
      'SAVEPOINT typeorm_1',
      'SELECT 2',
      'RELEASE SAVEPOINT typeorm_1',
      'SAVEPOINT typeorm_1',
      'SELECT FAIL',
      'ROLLBACK TO SAVEPOINT typeorm_1',
    ]);
    // Still ours to end.
    expect(runner.isTransactionActive).toBe(true);
  });

  it('answers the structured result repositories read rows and counts from', async () => {
    const { runner } = adopted();
    const result = await runner.query('SELECT 1', [], true);
    expect(result.records).toEqual([{ answer: 1 }]);
    expect(result.affected).toBe(1);
  });
});

describe('node-postgres client internals, against the pg we ship', () => {
  let server: WireServer;
  let client: Client;

  beforeAll(async () => {
    server = await startWireServer();
    client = await server.client();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.resetWrites();
  });

  it("routes the client's query to a handler until restored, while sendQuery reaches pg", async () => {
    const seen: unknown[][] = [];
    const restore = interceptQueries(client as PoolClient, (args) => {
      seen.push(args);
      return sendQuery(client as PoolClient, args);
    });
    await client.query('SELECT 1');
    expect(seen).toEqual([['SELECT 1']]);
    restore();
    expect(Object.prototype.hasOwnProperty.call(client, 'query')).toBe(false);
    expect(client.query).toBe(Client.prototype.query);
    await client.query('SELECT 2');
    expect(seen).toHaveLength(1);
    expect(server.received.map((r) => r.sql)).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('writes pipelined queries sent inside inOneWrite in one system call', async () => {
    const apart = [sendQuery(client as PoolClient, ['SELECT 1']), client.query('SELECT $1', [2])];
    await Promise.all(apart);
    const writesApart = server.writes();
    server.resetWrites();
    const together = inOneWrite(client as PoolClient, () => [
      sendQuery(client as PoolClient, ['SELECT 1']),
      sendQuery(client as PoolClient, ['SELECT $1', [2]]),
    ]);
    expect(server.writes()).toBe(1);
    await Promise.all(together);
    expect(writesApart).toBeGreaterThan(1);
    expect(server.received.map((r) => r.sql)).toEqual([
      'SELECT 1',
      'SELECT $1',
      'SELECT 1',
      'SELECT $1',
    ]);
  });
});
