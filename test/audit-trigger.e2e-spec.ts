import { bodyOf, caller } from './support/caller';
import {
  createTestApp,
  registerSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/**
 * The generic audit trigger: a change made through the API is recorded with who made it, the
 * request's id and the client's address, which ride in the transaction's opening message; the
 * school's own role may add rows but never change or remove one.
 */
describe('audit trigger', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("records a student's change with the actor, the request id and only the fields changed", async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const student = bodyOf<{ id: string }>(
      await call(school, owner, 'POST', '/api/students/enroll', {
        firstName: 'Ana',
        lastName: 'Pupil',
        admissionNumber: 'A-1',
      }),
      201,
    );
    const changed = await call(
      school,
      owner,
      'PATCH',
      `/api/students/${student.id}`,
      { firstName: 'Anna' },
      { 'x-request-id': 'audit-test-request-1' },
    );
    expect(changed.statusCode).toBe(200);

    const rows = await withOwnerClient(async (db) => {
      const found = await db.query<{
        action: string;
        entity_type: string;
        actor_account_id: string;
        actor_profile_id: string | null;
        request_id: string;
        client_address: string | null;
        before: Record<string, unknown>;
        after: Record<string, unknown>;
      }>(
        `SELECT action, entity_type, actor_account_id, actor_profile_id, request_id,
                client_address, before, after
           FROM "school_${school.slug.replace(/-/g, '_')}".audit_events
          WHERE person_id = $1 AND action = 'updated'`,
        [student.id],
      );
      return found.rows;
    });
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'updated',
        entity_type: 'profile',
        actor_account_id: school.ownerUserId,
        request_id: 'audit-test-request-1',
        before: { first_name: 'Ana' },
        after: { first_name: 'Anna' },
      }),
    ]);
    expect(rows[0].actor_profile_id).toEqual(expect.any(String));
    expect(rows[0].client_address).toEqual(expect.any(String));
  });

  it("refuses the school's own role an UPDATE or DELETE of its audit rows", async () => {
    const school = await registerSchool(t.app);
    const schema = `school_${school.slug.replace(/-/g, '_')}`;
    const errors = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ db_role: string }>(
        'SELECT db_role FROM organizations WHERE id = $1',
        [school.id],
      );
      const attempt = async (sql: string) => {
        await db.query('BEGIN');
        try {
          await db.query(`SELECT set_config('role', $1, true)`, [rows[0].db_role]);
          await db.query(sql);
          return 'allowed';
        } catch (error) {
          return (error as { code?: string }).code;
        } finally {
          await db.query('ROLLBACK');
        }
      };
      return {
        insert: await attempt(
          `INSERT INTO "${schema}".audit_events (action, entity_type) VALUES ('signed_in', 'account')`,
        ),
        update: await attempt(`UPDATE "${schema}".audit_events SET action = 'x'`),
        delete: await attempt(`DELETE FROM "${schema}".audit_events`),
        truncate: await attempt(`TRUNCATE "${schema}".audit_events`),
      };
    });
    expect(errors).toEqual({
      insert: 'allowed',
      update: '42501',
      delete: '42501',
      truncate: '42501',
    });
  });

  it("looks the actor's profile up again when the transaction's actor changes", async () => {
    const school = await registerSchool(t.app);
    const schema = `school_${school.slug.replace(/-/g, '_')}`;
    const stranger = '00000000-0000-4000-8000-000000000001';
    const seen = await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      try {
        const profileOf = async (actor: string) => {
          await db.query(`SELECT set_config('schoolyard.actor', $1, true)`, [actor]);
          const { rows } = await db.query<{ profile: string | null }>(
            `SELECT "${schema}".audit_actor_profile($1) AS profile`,
            [actor],
          );
          return rows[0].profile;
        };
        return [
          await profileOf(school.ownerUserId),
          await profileOf(stranger),
          await profileOf(school.ownerUserId),
        ];
      } finally {
        await db.query('ROLLBACK');
      }
    });
    const [{ id: ownerProfile }] = await withOwnerClient(
      async (db) =>
        (
          await db.query<{ id: string }>(`SELECT id FROM "${schema}".profiles WHERE user_id = $1`, [
            school.ownerUserId,
          ])
        ).rows,
    );
    expect(seen).toEqual([ownerProfile, null, ownerProfile]);
  });
});
