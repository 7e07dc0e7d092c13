import { Client, type PoolClient } from 'pg';
import { startWireServer, type WireServer } from '../../test/support/wire-server';
import { DeferredOpening } from './deferred-opening';

/*
 * DeferredOpening on a real pg client (pipelined, as the request pool makes them) over a
 * socket to a stand-in server: what goes out, in how many writes, and that the client is
 * itself again afterwards on every path.
 */

const OPENING = "BEGIN; SELECT set_config('search_path', 'school_a', true)";
const CLOSING = 'COMMIT';

describe('DeferredOpening', () => {
  let server: WireServer;
  let client: PoolClient;

  beforeAll(async () => {
    server = await startWireServer();
    client = (await server.client()) as PoolClient;
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.received.length = 0;
    server.resetWrites();
  });

  const sqlReceived = () => server.received.map((r) => r.sql);
  const isItself = () =>
    !Object.prototype.hasOwnProperty.call(client, 'query') &&
    client.query === Client.prototype.query;

  it('sends nothing for work that runs no query', () => {
    const opening = new DeferredOpening(client, OPENING, CLOSING);
    expect(opening.sent).toBe(false);
    opening.restore();
    expect(server.writes()).toBe(0);
    expect(isItself()).toBe(true);
  });

  it('carries the opening with the first query, in one write, and later queries alone', async () => {
    const opening = new DeferredOpening(client, OPENING, CLOSING);
    const first = client.query('SELECT $1::int AS n', [1]);
    expect(server.writes()).toBe(1);
    await first;
    await opening.confirm();
    await client.query('SELECT 2');
    opening.restore();
    expect(opening.sent).toBe(true);
    expect(sqlReceived()).toEqual([
      'BEGIN',
      "SELECT set_config('search_path', 'school_a', true)",
      'SELECT $1::int AS n',
      'SELECT 2',
    ]);
    expect(isItself()).toBe(true);
    await client.query('ROLLBACK');
  });

  it('writes COMMIT with the named final statement and refuses any query after it', async () => {
    const opening = new DeferredOpening(client, OPENING, CLOSING);
    opening.closeWith('SELECT 3');
    await client.query('SELECT 3');
    await opening.confirmClosed();
    expect(opening.closedWithFinalStatement).toBe(true);
    expect(server.writes()).toBe(1);
    expect(() => client.query('SELECT 4')).toThrow(/nothing may follow/);
    opening.restore();
    expect(sqlReceived()).toEqual([
      'BEGIN',
      "SELECT set_config('search_path', 'school_a', true)",
      'SELECT 3',
      'COMMIT',
    ]);
    expect(isItself()).toBe(true);
  });

  it("answers the opening's own error when the opening fails, and restores", async () => {
    const opening = new DeferredOpening(client, 'BEGIN; SELECT FAIL', CLOSING);
    await expect(client.query('SELECT 5')).rejects.toThrow(/failed as asked/);
    await expect(opening.confirm()).rejects.toThrow(/failed as asked/);
    opening.restore();
    expect(isItself()).toBe(true);
    await client.query('ROLLBACK');
  });

  it('hands a failing statement its error and restores', async () => {
    const opening = new DeferredOpening(client, OPENING, CLOSING);
    await expect(client.query('SELECT FAIL')).rejects.toThrow(/failed as asked/);
    await opening.confirm();
    opening.restore();
    expect(isItself()).toBe(true);
    await client.query('ROLLBACK');
  });

  it('refuses callback-style queries, which it could not order', () => {
    const opening = new DeferredOpening(client, OPENING, CLOSING);
    expect(() =>
      (client.query as unknown as (sql: string, done: () => void) => void)('SELECT 1', () => {}),
    ).toThrow(/promise-style/);
    opening.restore();
    expect(opening.sent).toBe(false);
  });
});
