import { unverifiedSweepQueue } from '@schoolyard/fleet';
import { Jobs } from '@schoolyard/jobs';
import {
  addMember,
  createTestApp,
  registerSchool,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/*
 * The application's own jobs, worked by the app's in-process worker (JOBS_WORKER defaults to
 * true). Every app of the run shares the `pgboss` schema, so another suite's app may work a
 * job of this one: the tests wait for the outcome, whoever worked it.
 */
describe('background work as jobs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  const until = async (check: () => Promise<boolean>, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((done) => setTimeout(done, 100));
    }
  };

  it("unlinks a deleted account through an accounts.cascade job keyed by the event, in the school's schema", async () => {
    const school = await registerSchool(t.app);
    const member = await addMember(t, school, { firstName: 'Cass', lastName: 'Cade' });
    const schema = `school_${school.slug}`;
    await withOwnerClient((db) => db.query('DELETE FROM users WHERE id = $1', [member.userId]));
    const event = await withOwnerClient(async (db) => {
      const rows = await db.query<{ id: string }>(
        `SELECT id::text FROM account_events WHERE user_id = $1`,
        [member.userId],
      );
      return rows.rows[0].id;
    });
    // Nothing here calls the cascade: the NOTIFY wakes a dispatcher, which queues the job.
    const jobOf = () =>
      withOwnerClient(async (db) => {
        const rows = await db.query<{ state: string }>(
          `SELECT state FROM pgboss.job WHERE name = 'accounts.cascade' AND singleton_key = $1`,
          [event],
        );
        return rows.rows.map((row) => row.state);
      });
    await until(async () => (await jobOf()).includes('completed'));
    expect(await jobOf()).toEqual(['completed']);
    await withOwnerClient(async (db) => {
      const profile = await db.query(
        `SELECT user_id FROM "${schema}".profiles WHERE local_username = $1`,
        [member.username],
      );
      expect(profile.rows).toEqual([{ user_id: null }]);
      const done = await db.query(
        `SELECT processed_at IS NOT NULL AS done FROM account_events WHERE id = $1`,
        [event],
      );
      expect(done.rows).toEqual([{ done: true }]);
      const memberships = await db.query(
        `SELECT count(*)::int AS n FROM school_memberships WHERE user_id = $1`,
        [member.userId],
      );
      expect(memberships.rows[0].n).toBe(0);
    });
  });

  it('suspends an overdue unverified school through a fleet.suspend-unverified job', async () => {
    const [overdue, fresh] = await Promise.all([registerSchool(t.app), registerSchool(t.app)]);
    await withOwnerClient((db) =>
      db.query(`UPDATE organizations SET created_at = now() - interval '21 days' WHERE id = $1`, [
        overdue.id,
      ]),
    );
    const jobs = t.app.get(Jobs);
    await jobs.send(unverifiedSweepQueue, {});
    jobs.wake(unverifiedSweepQueue);
    const statusOf = (id: string) =>
      withOwnerClient(async (db) => {
        const rows = await db.query<{ status: string }>(
          `SELECT status FROM organizations WHERE id = $1`,
          [id],
        );
        return rows.rows[0].status;
      });
    await until(async () => (await statusOf(overdue.id)) === 'suspended');
    expect(await statusOf(fresh.id)).toBe('active');
  });
});
