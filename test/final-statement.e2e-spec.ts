import { Controller, Get, Query } from '@nestjs/common';
import { Route } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { Client } from 'pg';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/**
 * Test-only: a handler that names its last statement (`mode=read`), writes with it
 * (`mode=write`), queries after it (`mode=after`), or whose last statement fails (`mode=fail`).
 */
@Controller('test/final')
class FinalStatementProbe {
  constructor(private readonly tenant: TenantContext) {}

  @Route({ at: 'school', access: 'public' })
  @Get()
  async probe(@Query('mode') mode: string): Promise<{ name: string }> {
    if (mode === 'write') {
      await this.tenant.finalQuery(
        `UPDATE school_settings SET display_name = display_name || ' (final)'`,
      );
      return { name: 'written' };
    }
    if (mode === 'fail') {
      await this.tenant.manager.query(`UPDATE school_settings SET display_name = 'LOST'`);
      await this.tenant.finalQuery('SELECT 1 / 0');
    }
    const [row] = await this.tenant.finalQuery<Array<{ name: string }>>(
      'SELECT display_name AS name FROM school_settings',
    );
    if (mode === 'after') await this.tenant.manager.query('SELECT 1');
    return { name: row.name };
  }
}

interface Traffic {
  messages: number;
  roundTrips: number;
}

/**
 * What the request pool sends while `work` runs: a message sent while another is still
 * unanswered on the same connection costs no round trip (node-postgres pipeline mode).
 */
async function trafficOf(t: TestApp, work: () => Promise<void>): Promise<Traffic> {
  const original = Client.prototype.query;
  const inFlight = new WeakMap<Client, number>();
  const traffic: Traffic = { messages: 0, roundTrips: 0 };
  Client.prototype.query = function (this: Client, ...args: unknown[]) {
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    // The request pool's only: job workers deliver any suite's mail as the owner meanwhile.
    if (this.user !== t.urls.apiRole) return result;
    const pending = inFlight.get(this) ?? 0;
    traffic.messages += 1;
    if (pending === 0) traffic.roundTrips += 1;
    inFlight.set(this, pending + 1);
    const settled = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    if (result instanceof Promise) result.then(settled, settled);
    return result;
  } as typeof original;
  try {
    await work();
  } finally {
    Client.prototype.query = original;
  }
  return traffic;
}

/** The least of three runs: background work (cache refills) can only add. */
async function fewest(t: TestApp, work: () => Promise<void>): Promise<Traffic> {
  const runs = [await trafficOf(t, work), await trafficOf(t, work), await trafficOf(t, work)];
  return runs.reduce((a, b) => (a.messages <= b.messages ? a : b));
}

describe("a transaction's final statement carries its COMMIT", () => {
  let t: TestApp;
  let school: RegisteredSchool;
  let other: RegisteredSchool;
  const probe = (at: RegisteredSchool, mode: string) =>
    t.app.inject({ method: 'GET', url: `/test/final?mode=${mode}`, headers: { host: at.host } });
  const displayName = (at: RegisteredSchool) =>
    withOwnerClient(async (db) => {
      const { rows } = await db.query<{ name: string }>(
        `SELECT display_name AS name FROM "school_${at.slug}".school_settings`,
      );
      return rows[0].name;
    });

  beforeAll(async () => {
    t = await createTestApp({}, [FinalStatementProbe]);
    school = await registerSchool(t.app);
    other = await registerSchool(t.app);
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads with one round trip: opening, statement and COMMIT in one write', async () => {
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const read = (url: string) => async () => {
      const response = await t.app.inject({
        method: 'GET',
        url,
        headers: { host: school.host, ...owner.bearer },
      });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
    };
    await read('/api/school')(); // caches warm
    expect(await fewest(t, read('/api/school'))).toEqual({ messages: 3, roundTrips: 1 });
    // A page without accounts: its read cannot know it is the last, so COMMIT waits for it.
    await read('/api/students?pageSize=20')();
    expect(await fewest(t, read('/api/students?pageSize=20'))).toEqual({
      messages: 3,
      roundTrips: 2,
    });
  });

  it('commits a write made by the final statement', async () => {
    const before = await displayName(school);
    expect((await probe(school, 'write')).statusCode).toBe(200);
    expect(await displayName(school)).toBe(`${before} (final)`);
    expect(await displayName(other)).not.toContain('(final)');
  });

  it('rolls everything back when the final statement fails, and the connection serves on clean', async () => {
    const before = await displayName(school);
    const failed = await probe(school, 'fail');
    expect(failed.statusCode).toBe(500);
    expect(await displayName(school)).toBe(before);
    // Every pooled connection, whichever served the failure, answers the next schools rightly.
    for (let i = 0; i < 12; i++) {
      const at = i % 2 ? school : other;
      const answer = await probe(at, 'read');
      expect(answer.statusCode).toBe(200);
      expect(answer.json<{ name: string }>().name).toBe(await displayName(at));
    }
  });

  it('refuses a query after the final statement instead of running it outside the transaction', async () => {
    const refused = await probe(school, 'after');
    expect(refused.statusCode).toBe(500);
    const answer = await probe(other, 'read');
    expect(answer.json<{ name: string }>().name).toBe(await displayName(other));
  });
});
