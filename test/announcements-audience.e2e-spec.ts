import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema } from './support/school-year';
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

describe('announcements: who each audience reaches', () => {
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

  beforeAll(async () => {
    t = await createTestApp();
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
});
