import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema } from './support/school-year';
import { statementsSent } from './support/statements';
import { createTestApp, type TestApp } from './support/test-app';

/** Who an announcement reached, as profile ids, read behind the API's back. */
async function recipientsOf(c: Campus, announcementId: string): Promise<string[]> {
  const rows = await inSchema<{ profile_id: string }>(
    c.school,
    'SELECT profile_id FROM announcement_recipients WHERE announcement_id = $1',
    [announcementId],
  );
  return rows.map((row) => row.profile_id).sort();
}

/** A section of `size` students written straight into the schema, members from today. */
async function bulkSection(c: Campus, name: string, size: number): Promise<string> {
  const [row] = await inSchema<{ section_id: string }>(
    c.school,
    `WITH sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                  SELECT $1, (SELECT id FROM academic_years LIMIT 1), $2, 100 RETURNING id),
          p AS (INSERT INTO profiles (kind, first_name, last_name)
                SELECT 'student', 'Bulk', $2 || '-' || n FROM generate_series(1, $3::int) n
                RETURNING id),
          s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                SELECT id, $2 || '-' || row_number() OVER (), current_date FROM p
                RETURNING profile_id),
          m AS (INSERT INTO section_students (section_id, student_id, joined_on)
                SELECT sec.id, s.profile_id, current_date FROM sec, s)
     SELECT id AS section_id FROM sec`,
    [c.level.id, name, size],
  );
  return row.section_id;
}

describe('announcements: who each audience reaches, and what fanning out costs', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;
  let c: Campus;
  let ownerProfile: string;
  let davidOfCleo: string;
  let finnOfBen: string;

  const announce = async (audience: { kind: string; ids: string[] }) => {
    const made = bodyOf<{ id: string; recipients: number; publishedAt: string }>(
      await call(c.school, c.owner, 'POST', '/api/announcements', {
        title: `To ${audience.kind}`,
        body: 'Read me.',
        audience,
      }),
      201,
    );
    expect(made.publishedAt).not.toBeNull();
    const reached = await recipientsOf(c, made.id);
    expect(made.recipients).toBe(reached.length);
    return reached;
  };
  const sorted = (...ids: string[]) => [...ids].sort();
  const post = (payload: object) =>
    call(c.school, c.owner, 'POST', '/api/announcements', {
      title: 'Texts',
      body: 'Hello',
      ...payload,
    });
  const count = async (sql: string, parameters: unknown[] = []) =>
    Number((await inSchema<{ n: string }>(c.school, sql, parameters))[0].n);

  beforeAll(async () => {
    // No in-process worker: a delivery job woken by one fan-out would send statements during the next.
    t = await createTestApp({ JOBS_WORKER: 'false' });
    call = caller(t);
    c = await campus(t);
    [{ id: ownerProfile }] = await inSchema<{ id: string }>(
      c.school,
      `SELECT id FROM profiles WHERE kind = 'owner'`,
    );
    const guardian = async (firstName: string, studentId: string) => {
      const made = bodyOf<{ id: string }>(
        await call(c.school, c.owner, 'POST', '/api/guardians', { firstName, lastName: 'Kin' }),
        201,
      );
      bodyOf(
        await call(c.school, c.owner, 'POST', `/api/guardians/${made.id}/students`, {
          studentId,
          relationship: 'father',
        }),
        201,
      );
      return made.id;
    };
    davidOfCleo = await guardian('David', c.ids.cleo);
    finnOfBen = await guardian('Finn', c.ids.ben);
  });
  afterAll(async () => {
    await t.close();
  });

  it("reaches exactly the guardians of a section's current students", async () => {
    // Ben has left 7A: his guardian Finn is no longer the section's.
    await inSchema(
      c.school,
      `UPDATE section_students SET left_on = joined_on WHERE student_id = $1 AND left_on IS NULL`,
      [c.ids.ben],
    );
    try {
      expect(await announce({ kind: 'section_guardians', ids: [c.sectionA.id] })).toEqual([
        c.ids.gwen,
      ]);
      expect(await announce({ kind: 'section_guardians', ids: [c.sectionB.id] })).toEqual([
        davidOfCleo,
      ]);
    } finally {
      await inSchema(c.school, `UPDATE section_students SET left_on = NULL WHERE student_id = $1`, [
        c.ids.ben,
      ]);
    }
    expect(await announce({ kind: 'section_guardians', ids: [c.sectionA.id] })).toEqual(
      sorted(c.ids.gwen, finnOfBen),
    );
  });

  it('reaches sections: their current students and their instructors', async () => {
    expect(await announce({ kind: 'sections', ids: [c.sectionA.id] })).toEqual(
      sorted(c.ids.ana, c.ids.ben, c.ids.ines),
    );
    expect(await announce({ kind: 'sections', ids: [c.sectionA.id, c.sectionB.id] })).toEqual(
      sorted(c.ids.ana, c.ids.ben, c.ids.cleo, c.ids.ines, c.ids.otto),
    );
  });

  it("reaches levels: every section's students and instructors", async () => {
    expect(await announce({ kind: 'levels', ids: [c.level.id] })).toEqual(
      sorted(c.ids.ana, c.ids.ben, c.ids.cleo, c.ids.ines, c.ids.otto),
    );
  });

  it('reaches roles: the profiles whose accounts hold them', async () => {
    const roles = await inSchema<{ id: string; system_key: string }>(
      c.school,
      `SELECT id, system_key FROM roles WHERE system_key IN ('instructor', 'guardian')`,
    );
    const role = (key: string) => roles.find((r) => r.system_key === key)!.id;
    expect(await announce({ kind: 'roles', ids: [role('instructor')] })).toEqual(
      sorted(c.ids.ines, c.ids.otto),
    );
    // David and Finn have no account, so no role: only Gwen.
    expect(await announce({ kind: 'roles', ids: [role('guardian'), role('instructor')] })).toEqual(
      sorted(c.ids.gwen, c.ids.ines, c.ids.otto),
    );
  });

  it('reaches the whole school: every active person, not a withdrawn student', async () => {
    await inSchema(c.school, `UPDATE students SET status = 'withdrawn' WHERE profile_id = $1`, [
      c.ids.cleo,
    ]);
    try {
      expect(await announce({ kind: 'school', ids: [] })).toEqual(
        sorted(
          ownerProfile,
          c.ids.ana,
          c.ids.ben,
          c.ids.ines,
          c.ids.otto,
          c.ids.gwen,
          davidOfCleo,
          finnOfBen,
        ),
      );
    } finally {
      await inSchema(c.school, `UPDATE students SET status = 'active' WHERE profile_id = $1`, [
        c.ids.cleo,
      ]);
    }
  });

  it('fans out to 30 recipients in as many statements as to 3', async () => {
    const three = await bulkSection(c, 'Three', 3);
    const thirty = await bulkSection(c, 'Thirty', 30);
    const fanOut = (sectionId: string, size: number) => async () => {
      const made = bodyOf<{ recipients: number }>(
        await post({ channels: ['email'], audience: { kind: 'sections', ids: [sectionId] } }),
        201,
      );
      expect(made.recipients).toBe(size);
    };
    await fanOut(three, 3)(); // caches warm
    const few = await statementsSent(fanOut(three, 3), t.urls.apiRole);
    const many = await statementsSent(fanOut(thirty, 30), t.urls.apiRole);
    expect(many).toBe(few);
    expect(few).toBeLessThanOrEqual(5); // opening + insert, fan-out, notifications, COMMIT (+1 spare)
  });

  it('refuses with 402 and writes nothing when the SMS would pass the month’s allowance', async () => {
    const big = await bulkSection(c, 'Big', 25);
    const smsOff = await post({
      channels: ['sms'],
      audience: { kind: 'sections', ids: [big] },
    });
    expect(smsOff.statusCode).toBe(409);
    expect(smsOff.json()).toMatchObject({ error: { code: 'SMS_NOT_ENABLED' } });

    await inSchema(c.school, 'UPDATE school_settings SET sms_enabled = true');
    const tally = () =>
      count(`SELECT (SELECT count(*) FROM announcements) + (SELECT count(*) FROM announcement_recipients)
                  + (SELECT count(*) FROM notifications) + (SELECT count(*) FROM notification_deliveries) AS n`);
    const before = await tally();
    for (const publishAt of [undefined, new Date(Date.now() + 3_600_000).toISOString()]) {
      const refused = await post({
        channels: ['sms', 'email'],
        audience: { kind: 'sections', ids: [big] },
        publishAt,
      });
      expect(refused.statusCode).toBe(402);
      const { error } = refused.json<{
        error: { code: string; details: Record<string, number | string> };
      }>();
      expect(error.code).toBe('PLAN_LIMIT_REACHED');
      expect(error.details).toMatchObject({ resource: 'sms', used: 0, needed: 25 });
      expect(error.details.limit).toBeLessThan(25);
    }
    expect(await tally()).toBe(before);

    // Within the allowance, SMS are queued.
    const fits = bodyOf<{ id: string }>(
      await post({ channels: ['sms'], audience: { kind: 'sections', ids: [c.sectionB.id] } }),
      201,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
          WHERE n.source_key = $1 AND d.channel = 'sms'`,
        [`announcement:${fits.id}`],
      ),
    ).toBe(2);
  });

  it('refuses an audience of the wrong shape', async () => {
    for (const audience of [
      { kind: 'school', ids: [c.sectionA.id] },
      { kind: 'sections', ids: [] },
      { kind: 'everyone', ids: [] },
      { kind: 'sections', ids: ['not-a-uuid'] },
    ]) {
      const refused = await post({ audience });
      expect(refused.statusCode).toBe(400);
    }
  });
});
