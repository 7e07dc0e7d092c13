import { randomUUID } from 'node:crypto';
import { AuditRetentionSweep } from '@schoolyard/audit';
import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { insertExam } from './support/exams';
import { inSchema, schemaOf } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface Entry {
  id: string;
  at: string;
  actor: { accountId: string | null; profileId: string | null; name: string | null };
  requestId: string | null;
  clientAddress: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  personId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

/**
 * Reading a school's audit trail through the API (the list, a student's history), what a
 * purge leaves of a student in it, and the retention sweep. One campus (Ines teaches Ana in
 * 7A) and a second school that must see none of it.
 */
describe('audit trail', () => {
  let t: TestApp;
  let c: Campus;
  let other: RegisteredSchool;
  let otherOwner: SignedIn;
  const call = caller(() => t);
  const list = (who: SignedIn | null, query = '', school: RegisteredSchool = c.school) =>
    call(school, who, 'GET', `/api/audit-events${query}`);
  const history = (who: SignedIn | null, id: string, query = '', school = c.school) =>
    call(school, who, 'GET', `/api/students/${id}/history${query}`);
  const accountOf = async (profileId: string) =>
    (
      await inSchema<{ user_id: string }>(c.school, 'SELECT user_id FROM profiles WHERE id = $1', [
        profileId,
      ])
    )[0].user_id;

  beforeAll(async () => {
    t = await createTestApp();
    c = await campus(t);
    other = await registerSchool(t.app);
    otherOwner = await signIn(t.app, other.host, other.ownerUsername);
  });
  afterAll(() => t.close());

  /** Ines grades Ana's submission, then changes the grade; she enters Ana's mark, then changes it. */
  let paperId: string;
  let submissionId: string;
  beforeAll(async () => {
    const work = bodyOf<{ id: string }>(
      await call(c.school, c.as.ines, 'POST', '/api/course-content/contents', {
        sectionId: c.sectionA.id,
        subjectId: c.subject.id,
        kind: 'assignment',
        title: 'Fractions',
        body: 'Solve exercises 1 to 12.',
        maxPoints: 20,
        isPublished: true,
      }),
      201,
    );
    submissionId = bodyOf<{ id: string }>(
      await call(c.school, c.as.ana, 'POST', '/api/course-content/submissions', {
        contentId: work.id,
        body: 'My answers',
      }),
      201,
    ).id;
    const grade = (points: number, requestId: string) =>
      call(
        c.school,
        c.as.ines,
        'POST',
        `/api/course-content/submissions/${submissionId}/grade`,
        { points, feedback: `Worth ${points}` },
        { 'x-request-id': requestId },
      );
    bodyOf(await grade(12, 'audit-grade-1'), 200);
    bodyOf(await grade(18, 'audit-grade-2'), 200);

    const exam = await insertExam(c.school, {
      status: 'marking',
      levelIds: [c.level.id],
      papers: [{ subjectId: c.subject.id, levelId: c.level.id, maxMarks: 50 }],
    });
    paperId = exam.paperIds[0];
    const mark = (marks: number, requestId: string) =>
      call(
        c.school,
        c.as.ines,
        'PUT',
        `/api/exams/papers/${paperId}/marks`,
        { sectionId: c.sectionA.id, marks: [{ studentId: c.ids.ana, marks }] },
        { 'x-request-id': requestId },
      );
    bodyOf(await mark(30, 'audit-mark-1'), 200);
    bodyOf(await mark(35, 'audit-mark-2'), 200);
  });

  it("shows a changed grade and a changed mark in the student's history, with who made them from which request", async () => {
    const ines = { accountId: await accountOf(c.ids.ines), profileId: c.ids.ines };
    const page = bodyOf<Page<Entry>>(await history(c.owner, c.ids.ana, '?pageSize=100'), 200);
    expect(page.meta.total).toBe(page.data.length);
    expect(page.data.every((entry) => entry.personId === c.ids.ana)).toBe(true);
    // Newest first.
    const times = page.data.map((entry) => Date.parse(entry.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const regrade = page.data.find((entry) => entry.requestId === 'audit-grade-2');
    expect(regrade).toMatchObject({
      action: 'updated',
      entityType: 'submission',
      entityId: submissionId,
      actor: { ...ines, name: 'Ines Teacher' },
      before: { points: 12, feedback: 'Worth 12' },
      after: { points: 18, feedback: 'Worth 18' },
    });
    expect(regrade?.clientAddress).toEqual(expect.any(String));
    expect(page.data.find((entry) => entry.requestId === 'audit-grade-1')).toMatchObject({
      entityType: 'submission',
      after: expect.objectContaining({ points: 12 }),
      actor: ines,
    });

    const markChange = page.data.find((entry) => entry.requestId === 'audit-mark-2');
    expect(markChange).toMatchObject({
      action: 'updated',
      entityType: 'exam_mark',
      entityId: `${paperId}/${c.ids.ana}`,
      actor: { ...ines, name: 'Ines Teacher' },
      before: { marks: 30 },
      after: { marks: 35 },
    });
    expect(page.data.find((entry) => entry.requestId === 'audit-mark-1')).toMatchObject({
      action: 'created',
      entityType: 'exam_mark',
      after: expect.objectContaining({ marks: 30, student_id: c.ids.ana }),
    });

    // Paged like every list.
    const first = bodyOf<Page<Entry>>(await history(c.owner, c.ids.ana, '?pageSize=1'), 200);
    expect(first.meta).toEqual({ page: 1, pageSize: 1, total: page.meta.total });
    expect(first.data.map((entry) => entry.id)).toEqual([page.data[0].id]);
  });

  it('filters by entity, actor, action and time, and refuses filters it cannot read', async () => {
    const get = async (query: string) =>
      bodyOf<Page<Entry>>(await list(c.owner, `${query}&pageSize=100`), 200);

    const marks = await get('?entityType=exam_mark');
    expect(marks.data.length).toBeGreaterThanOrEqual(2);
    expect(new Set(marks.data.map((entry) => entry.entityType))).toEqual(new Set(['exam_mark']));

    const one = await get(`?entityId=${paperId}/${c.ids.ana}`);
    expect(one.data.map((entry) => entry.requestId).sort()).toEqual([
      'audit-mark-1',
      'audit-mark-2',
    ]);

    // An actor is found by account or by profile alike.
    const inesAccount = await accountOf(c.ids.ines);
    const byAccount = await get(`?actor=${inesAccount}`);
    const byProfile = await get(`?actor=${c.ids.ines}`);
    expect(byAccount.data.length).toBeGreaterThanOrEqual(4);
    expect(byProfile.data.map((entry) => entry.id)).toEqual(byAccount.data.map((e) => e.id));
    expect(byAccount.data.every((entry) => entry.actor.accountId === inesAccount)).toBe(true);

    const updates = await get(`?action=updated&actor=${c.ids.ines}`);
    expect(updates.data.map((entry) => entry.requestId).sort()).toEqual(
      expect.arrayContaining(['audit-grade-2', 'audit-mark-2']),
    );
    expect(updates.data.every((entry) => entry.action === 'updated')).toBe(true);

    // A window by timestamps and by whole days (the school's days; this school keeps UTC).
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    expect((await get(`?entityType=exam_mark&from=${hourAgo}&to=${soon}`)).meta.total).toBe(
      marks.meta.total,
    );
    expect((await get(`?entityType=exam_mark&from=${soon}`)).meta.total).toBe(0);
    expect((await get(`?entityType=exam_mark&to=${hourAgo}`)).meta.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await get(`?entityType=exam_mark&from=${today}&to=${today}`)).meta.total).toBe(
      marks.meta.total,
    );
    expect((await get(`?entityType=exam_mark&to=2020-01-01`)).meta.total).toBe(0);

    for (const bad of [
      '?actor=not-a-uuid',
      '?from=yesterday',
      '?to=2026-02-30',
      `?from=${soon}&to=${hourAgo}`,
      '?from=2026-03-02&to=2026-03-01',
      '?entityType=DROP%20TABLE',
      '?action=',
      '?pageSize=1000',
      '?search=ana',
    ]) {
      const answer = await list(c.owner, bad);
      expect({ bad, status: answer.statusCode }).toEqual({ bad, status: 400 });
      expect(answer.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it("shows another school none of this school's entries, and refuses callers without audit.view", async () => {
    const theirs = bodyOf<Page<Entry>>(await list(otherOwner, '?pageSize=100', other), 200);
    const text = JSON.stringify(theirs.data);
    for (const id of Object.values(c.ids)) expect(text).not.toContain(id);
    expect(text).not.toContain('audit-grade');
    const filtered = bodyOf<Page<Entry>>(
      await list(otherOwner, `?entityId=${paperId}/${c.ids.ana}`, other),
      200,
    );
    expect(filtered.meta.total).toBe(0);
    const elsewhere = await history(otherOwner, c.ids.ana, '', other);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json<{ error: { code: string } }>().error.code).toBe('STUDENT_NOT_FOUND');
    expect((await history(c.owner, randomUUID())).statusCode).toBe(404);

    // Teachers and students hold no audit.view.
    for (const who of [c.as.ines, c.as.ana]) {
      expect((await list(who)).statusCode).toBe(403);
      expect((await history(who, c.ids.ana)).statusCode).toBe(403);
    }
    expect((await list(null)).statusCode).toBe(401);
    expect((await history(null, c.ids.ana)).statusCode).toBe(401);
  });

  it("pseudonymises a purged student's entries: neither their id nor their name is left, every entry is", async () => {
    const post = async (url: string, payload: object, status = 201) =>
      bodyOf<{ id: string }>(await call(c.school, c.owner, 'POST', url, payload), status);
    const zoe = await post('/api/students/enroll', {
      firstName: 'Zephyrine',
      lastName: 'Quillfeather',
      admissionNumber: 'ZQ-77',
      email: 'zephyrine.quillfeather@example.com',
      dateOfBirth: '2014-05-06',
    });
    bodyOf(
      await call(c.school, c.owner, 'PATCH', `/api/students/${zoe.id}`, {
        middleName: 'Juniper',
      }),
      200,
    );
    await post(`/api/guardians/${c.ids.gwen}/students`, {
      studentId: zoe.id,
      relationship: 'other',
    });
    await post(`/api/academics/sections/${c.sectionB.id}/students`, { studentIds: [zoe.id] }, 200);
    expect(bodyOf<Page<Entry>>(await history(c.owner, zoe.id), 200).meta.total).toBeGreaterThan(3);

    const schema = schemaOf(c.school);
    const mentioning = `SELECT count(*)::int AS n FROM "${schema}".audit_events a
                         WHERE a::text ILIKE '%' || $1 || '%'`;
    const count = async (sql: string, values: unknown[] = []) =>
      withOwnerClient(async (db) => (await db.query<{ n: number }>(sql, values)).rows[0].n);
    const all = `SELECT count(*)::int AS n FROM "${schema}".audit_events`;
    const aboutZoe = await count(mentioning, [zoe.id]);
    expect(await count(mentioning, ['Quillfeather'])).toBeGreaterThan(0);
    const before = await count(all);

    const purged = await call(
      c.school,
      c.owner,
      'DELETE',
      `/api/students/${zoe.id}?permanent=true`,
    );
    expect(purged.statusCode).toBe(204);

    for (const trace of [zoe.id, 'Zephyrine', 'Quillfeather', 'Juniper', 'ZQ-77', '2014-05-06']) {
      expect({ trace, rows: await count(mentioning, [trace]) }).toEqual({ trace, rows: 0 });
    }
    // Nothing went but what the purge itself added (its deletions); the rows now name a pseudonym.
    expect(await count(all)).toBeGreaterThan(before);
    const deleted = bodyOf<Page<Entry>>(
      await list(c.owner, '?entityType=student&action=deleted&pageSize=100'),
      200,
    ).data.find((entry) => entry.before?.admission_number === '[removed]');
    expect(deleted).toBeDefined();
    const pseudonym = deleted!.entityId!;
    expect(pseudonym).toMatch(/^[0-9a-f-]{36}$/);
    expect(pseudonym).not.toBe(zoe.id);
    expect(await count(mentioning, [pseudonym])).toBeGreaterThanOrEqual(aboutZoe);
    const profileRows = bodyOf<Page<Entry>>(
      await list(c.owner, `?entityType=profile&entityId=${pseudonym}`),
      200,
    ).data;
    expect(profileRows.find((entry) => entry.action === 'created')?.after).toMatchObject({
      first_name: '[removed]',
      last_name: '[removed]',
      email: '[removed]',
      kind: 'student',
    });
    expect(
      bodyOf<Page<Entry>>(
        await list(c.owner, `?entityType=guardian_link&entityId=${pseudonym}/${c.ids.gwen}`),
        200,
      ).data.find((entry) => entry.action === 'created')?.after,
    ).toMatchObject({ student_id: pseudonym, guardian_id: c.ids.gwen, relationship: 'other' });
    // Their history is gone with them; the entries are read through the list only.
    expect((await history(c.owner, zoe.id)).statusCode).toBe(404);
    // Others' entries are untouched.
    expect(await count(mentioning, ['audit-mark-2'])).toBe(1);
  });

  it('lets only the school role pseudonymise, and only a student who is gone', async () => {
    const schema = schemaOf(c.school);
    const outcome = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ db_role: string }>(
        'SELECT db_role FROM organizations WHERE id = $1',
        [c.school.id],
      );
      const attempt = async (id: string) => {
        await db.query('BEGIN');
        try {
          await db.query(`SELECT set_config('role', $1, true)`, [rows[0].db_role]);
          await db.query(`SELECT "${schema}".audit_pseudonymise_student($1, NULL)`, [id]);
          return 'allowed';
        } catch (error) {
          return (error as { code?: string }).code;
        } finally {
          await db.query('ROLLBACK');
        }
      };
      const fn = await db.query<{ definer: boolean; config: string[]; acl: string[] }>(
        `SELECT p.prosecdef AS definer, p.proconfig AS config, p.proacl::text[] AS acl
           FROM pg_proc p WHERE p.proname = 'audit_pseudonymise_student'
            AND p.pronamespace = $1::regnamespace`,
        [schema],
      );
      return {
        living: await attempt(c.ids.ana),
        stranger: await attempt(randomUUID()),
        fn: fn.rows[0],
        role: rows[0].db_role,
      };
    });
    expect(outcome.living).toBe('42501');
    expect(outcome.stranger).toBe('42501');
    expect(outcome.fn.definer).toBe(true);
    expect(outcome.fn.config).toEqual([`search_path=${schema}, pg_temp`]);
    // Executable by the owner and the school's role; not by PUBLIC (an entry "=X/...").
    expect(outcome.fn.acl.some((entry) => entry.startsWith('=X'))).toBe(false);
    expect(outcome.fn.acl.some((entry) => entry.startsWith(`${outcome.role}=X`))).toBe(true);
  });

  it('retention deletes entries older than AUDIT_RETENTION_DAYS in every school and the platform, and keeps the rest', async () => {
    const marker = `retention-${randomUUID()}`;
    const schools = [c.school, other];
    await withOwnerClient(async (db) => {
      for (const school of schools) {
        await db.query(
          `INSERT INTO "${schemaOf(school)}".audit_events (at, action, entity_type, request_id)
           VALUES (now() - interval '800 days', 'signed_in', 'account', $1 || '-old'),
                  (now() - interval '700 days', 'signed_in', 'account', $1 || '-recent')`,
          [marker],
        );
      }
      await db.query(
        `INSERT INTO public.platform_audit_events (at, actor, action, request_id)
         VALUES (now() - interval '800 days', 'cli:test', 'school.backed_up', $1 || '-old'),
                (now() - interval '700 days', 'cli:test', 'school.backed_up', $1 || '-recent')`,
        [marker],
      );
    });
    const left = () =>
      withOwnerClient(async (db) => {
        const found: string[] = [];
        for (const school of schools) {
          const { rows } = await db.query<{ request_id: string }>(
            `SELECT request_id FROM "${schemaOf(school)}".audit_events
              WHERE request_id LIKE $1 || '%' ORDER BY request_id`,
            [marker],
          );
          found.push(...rows.map((row) => `${school.slug}:${row.request_id.slice(marker.length)}`));
        }
        const { rows } = await db.query<{ request_id: string }>(
          `SELECT request_id FROM public.platform_audit_events
            WHERE request_id LIKE $1 || '%' ORDER BY request_id`,
          [marker],
        );
        found.push(...rows.map((row) => `platform:${row.request_id.slice(marker.length)}`));
        return found.sort();
      });

    expect(t.config.audit.retentionDays).toBe(730);
    const sweep = t.app.get(AuditRetentionSweep);
    const report = await sweep.sweep();
    expect(report.schools).toBeGreaterThanOrEqual(2);
    expect(report.schoolRows).toBeGreaterThanOrEqual(2);
    expect(report.platformRows).toBeGreaterThanOrEqual(1);
    expect(await left()).toEqual(
      [`${c.school.slug}:-recent`, `${other.slug}:-recent`, 'platform:-recent'].sort(),
    );

    // 0 keeps everything, however old.
    const keepAll = new AuditRetentionSweep(undefined as never, undefined as never, {
      ...t.config,
      audit: { retentionDays: 0 },
    });
    expect(await keepAll.sweep(new Date(Date.now() + 3650 * 86_400_000))).toEqual({
      schools: 0,
      schoolRows: 0,
      platformRows: 0,
    });
  });

  it('records marks saved again unchanged as nothing, and a changed mark without its bookkeeping', async () => {
    const mark = (marks: number, requestId: string) =>
      call(
        c.school,
        c.owner,
        'PUT',
        `/api/exams/papers/${paperId}/marks`,
        { sectionId: c.sectionA.id, marks: [{ studentId: c.ids.ana, marks }] },
        { 'x-request-id': requestId },
      );
    const byRequest = (requestId: string) =>
      inSchema<{ action: string; before: object; after: object }>(
        c.school,
        'SELECT action, before, after FROM audit_events WHERE request_id = $1',
        [requestId],
      );
    bodyOf(await mark(35, 'audit-mark-again'), 200);
    expect(await byRequest('audit-mark-again')).toEqual([]);
    bodyOf(await mark(36, 'audit-mark-changed'), 200);
    expect(await byRequest('audit-mark-changed')).toEqual([
      { action: 'updated', before: { marks: 35 }, after: { marks: 36 } },
    ]);
  });

  it("pseudonymises an activated student's account too: no entry keeps their ids or names, others' stay", async () => {
    const cleo = c.ids.cleo;
    const account = await accountOf(cleo);
    const schema = schemaOf(c.school);
    // What the student did here themselves (a sign-in, say), and an entry about someone else.
    await inSchema(
      c.school,
      `INSERT INTO audit_events (actor_account_id, actor_profile_id, client_address, action,
                                 entity_type, entity_id, details)
       VALUES ($1::uuid, $2::uuid, '203.0.113.9', 'signed_in', 'account', $1::text,
               '{"username": "cleo.p"}'),
              ($1::uuid, $2::uuid, '203.0.113.9', 'viewed', 'student', $3, '{"guardianEmail": "x@y.z"}')`,
      [account, cleo, c.ids.ben],
    );
    const mentioning = (trace: string) =>
      withOwnerClient(
        async (db) =>
          (
            await db.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM "${schema}".audit_events a
                WHERE a::text ILIKE '%' || $1 || '%'`,
              [trace],
            )
          ).rows[0].n,
      );
    expect(await mentioning(account)).toBeGreaterThan(1);
    const benBefore = await inSchema(
      c.school,
      'SELECT * FROM audit_events WHERE person_id = $1 ORDER BY id',
      [c.ids.ben],
    );

    const purged = await call(c.school, c.owner, 'DELETE', `/api/students/${cleo}?permanent=true`);
    expect(purged.statusCode).toBe(204);

    for (const trace of [cleo, account, 'Cleo', 'cleo.p', '203.0.113.9', 'x@y.z']) {
      expect({ trace, rows: await mentioning(trace) }).toEqual({ trace, rows: 0 });
    }
    // Entries about Ben keep everything (the viewing entry is Cleo's act: her side goes).
    const benAfter = await inSchema(
      c.school,
      'SELECT * FROM audit_events WHERE person_id = $1 ORDER BY id',
      [c.ids.ben],
    );
    expect(benAfter).toEqual(benBefore);
  });

  it('keys an enrolment on its own id, and records a changed key as deleted plus created', async () => {
    const [membership] = await inSchema<{ id: string }>(
      c.school,
      'SELECT id FROM section_students WHERE student_id = $1 AND section_id = $2',
      [c.ids.ana, c.sectionA.id],
    );
    const [enrolled] = await inSchema<{ entity_id: string }>(
      c.school,
      `SELECT entity_id FROM audit_events
        WHERE entity_type = 'enrolment' AND action = 'created' AND person_id = $1`,
      [c.ids.ana],
    );
    expect(enrolled.entity_id).toBe(membership.id);

    // The owner moves Gwen's link from Ana to Ben by SQL: no row pairs with itself.
    const schema = schemaOf(c.school);
    const entries = await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      try {
        await db.query(
          `UPDATE "${schema}".student_guardians SET student_id = $1
            WHERE student_id = $2 AND guardian_id = $3`,
          [c.ids.ben, c.ids.ana, c.ids.gwen],
        );
        return (
          await db.query<{ action: string; entity_id: string; before: object; after: object }>(
            `SELECT action, entity_id, person_id, before, after FROM "${schema}".audit_events
              WHERE entity_type = 'guardian_link' AND at >= now() ORDER BY action`,
          )
        ).rows;
      } finally {
        await db.query('ROLLBACK');
      }
    });
    expect(entries).toEqual([
      {
        action: 'created',
        entity_id: `${c.ids.ben}/${c.ids.gwen}`,
        person_id: c.ids.ben,
        before: null,
        after: expect.objectContaining({
          student_id: c.ids.ben,
          guardian_id: c.ids.gwen,
          relationship: 'mother',
        }),
      },
      {
        action: 'deleted',
        entity_id: `${c.ids.ana}/${c.ids.gwen}`,
        person_id: c.ids.ana,
        before: expect.objectContaining({
          student_id: c.ids.ana,
          guardian_id: c.ids.gwen,
          relationship: 'mother',
        }),
        after: null,
      },
    ]);
  });

  it("cannot be led by a forged 'deleted' entry to rewrite a living role's entries", async () => {
    const schema = schemaOf(c.school);
    const outcome = await withOwnerClient(async (db) => {
      const [{ db_role: role }] = (
        await db.query<{ db_role: string }>('SELECT db_role FROM organizations WHERE id = $1', [
          c.school.id,
        ])
      ).rows;
      await db.query('BEGIN');
      try {
        const [{ id }] = (
          await db.query<{ id: string }>(
            `UPDATE "${schema}".roles SET name = name || ' (renamed)'
              WHERE id = (SELECT id FROM "${schema}".roles ORDER BY id LIMIT 1) RETURNING id`,
          )
        ).rows;
        const roleEntries = async () =>
          (
            await db.query(
              `SELECT * FROM "${schema}".audit_events
                WHERE entity_type = 'role' AND entity_id = $1 ORDER BY id`,
              [id],
            )
          ).rows;
        const before = await roleEntries();
        await db.query(`SELECT set_config('role', $1, true)`, [role]);
        await db.query(
          `INSERT INTO "${schema}".audit_events (action, entity_type, entity_id)
           VALUES ('deleted', 'student', $1)`,
          [id],
        );
        await db.query(`SELECT "${schema}".audit_pseudonymise_student($1, NULL)`, [id]);
        await db.query('RESET role');
        return { before, after: await roleEntries() };
      } finally {
        await db.query('ROLLBACK');
      }
    });
    expect(outcome.before.length).toBeGreaterThan(0);
    expect(outcome.after).toEqual(outcome.before);
  });
});
