import { ProgramsService } from '@schoolyard/academics';
import {
  ContentsService,
  GradingService,
  SubmissionsService,
  Viewers,
} from '@schoolyard/coursework';
import { type School, TenantTransactions } from '@schoolyard/tenancy';
import { Client } from 'pg';
import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import {
  createTestApp,
  type RegisteredSchool,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

const schemaOf = (school: RegisteredSchool) => `school_${school.slug}`;

/** Statements sent to PostgreSQL while `work` runs: the fewest of three runs (background work only adds). */
/**
 * Statements the work sends on the request pool's connections (those of `user`, the API's
 * login): the test run's job workers deliver any suite's mail as the owner meanwhile.
 */
async function statementsFor(work: () => Promise<void>, user: string): Promise<number> {
  const counts: number[] = [];
  for (let run = 0; run < 3; run++) {
    const original = Client.prototype.query;
    let count = 0;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      if (this.user === user) count += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await work();
    } finally {
      Client.prototype.query = original;
    }
    counts.push(count);
  }
  return Math.min(...counts);
}

describe('academics and course content: lists, their statements, services outside HTTP', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const publish = (c: Campus, payload: object) =>
    call(c.school, c.as.ines, 'POST', '/api/course-content/contents', {
      sectionId: c.sectionA.id,
      subjectId: c.subject.id,
      kind: 'assignment',
      title: 'Homework',
      body: 'Do it.',
      maxPoints: 10,
      isPublished: true,
      ...payload,
    });

  it('pages, filters, searches and sorts the academic lists', async () => {
    const c = await campus(t);
    for (const [code, name] of [
      ['PRI', 'Primary'],
      ['HIGH', 'High school'],
      ['IB.DP', 'IB Diploma'],
    ]) {
      bodyOf(await call(c.school, c.owner, 'POST', '/api/academics/programs', { code, name }), 201);
    }
    const get = async (url: string) =>
      bodyOf<Page<Record<string, unknown>>>(await call(c.school, c.owner, 'GET', url), 200);
    const codes = (page: Page<Record<string, unknown>>) => page.data.map((row) => row.code);

    expect(codes(await get('/api/academics/programs'))).toEqual(['HIGH', 'IB.DP', 'MID', 'PRI']);
    const second = await get('/api/academics/programs?sort=-code&pageSize=2&page=2');
    expect(codes(second)).toEqual(['IB.DP', 'HIGH']);
    expect(second.meta).toEqual({ page: 2, pageSize: 2, total: 4 });
    expect((await get('/api/academics/programs?page=9&pageSize=2')).meta).toEqual({
      page: 9,
      pageSize: 2,
      total: 4,
    });
    expect(codes(await get('/api/academics/programs?search=diploma'))).toEqual(['IB.DP']);
    expect((await get('/api/academics/programs?search=mid')).data).toEqual([
      expect.objectContaining({ id: c.program.id, levelCount: 1 }),
    ]);

    const grade8 = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/academics/academic-levels', {
        programId: c.program.id,
        name: 'Grade 8',
        position: 8,
      }),
      201,
    );
    bodyOf(
      await call(c.school, c.owner, 'POST', '/api/academics/academic-levels', {
        programId: c.program.id,
        name: 'Grade 6',
        position: 6,
      }),
      201,
    );
    const levels = await get(`/api/academics/academic-levels?programId=${c.program.id}`);
    expect(levels.data.map((level) => level.name)).toEqual(['Grade 6', 'Grade 7', 'Grade 8']);
    expect(
      (await get(`/api/academics/academic-levels?programId=${c.program.id}&sort=-position`)).data[0]
        .name,
    ).toBe('Grade 8');

    const earlier = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/calendar/academic-years', {
        name: '2024-2025',
        startsOn: '2024-07-01',
        endsOn: '2025-06-30',
      }),
      201,
    );
    bodyOf(
      await call(c.school, c.owner, 'POST', '/api/academics/sections', {
        levelId: grade8.id,
        academicYearId: earlier.id,
        name: '8A',
        capacity: 25,
        homeroomInstructorId: c.ids.otto,
      }),
      201,
    );
    const names = (page: Page<Record<string, unknown>>) => page.data.map((row) => row.name);
    expect(names(await get('/api/academics/sections'))).toEqual(['7A', '7B', '8A']);
    expect(names(await get(`/api/academics/sections?instructorId=${c.ids.ines}`))).toEqual(['7A']);
    expect(names(await get(`/api/academics/sections?instructorId=${c.ids.otto}`))).toEqual([
      '7B',
      '8A',
    ]);
    expect(names(await get(`/api/academics/sections?academicYearId=${earlier.id}`))).toEqual([
      '8A',
    ]);
    expect(names(await get(`/api/academics/sections?levelId=${c.level.id}&sort=-name`))).toEqual([
      '7B',
      '7A',
    ]);
    expect((await get('/api/academics/sections?search=8')).data).toEqual([
      expect.objectContaining({
        name: '8A',
        enrolledCount: 0,
        homeroomInstructor: { id: c.ids.otto, displayName: 'Otto Teacher' },
      }),
    ]);

    bodyOf(
      await call(c.school, c.owner, 'POST', '/api/academics/subjects', {
        code: 'ART',
        name: 'Art',
      }),
      201,
    );
    expect(codes(await get('/api/academics/subjects'))).toEqual(['ART', 'MATH-7']);
    expect((await get(`/api/academics/subjects?levelId=${c.level.id}`)).data).toEqual([
      expect.objectContaining({ code: 'MATH-7', level: { id: c.level.id, name: 'Grade 7' } }),
    ]);
    const teaching = bodyOf<Array<Record<string, unknown>>>(
      await call(c.school, c.owner, 'GET', `/api/academics/sections/${c.sectionA.id}/teaching`),
      200,
    );
    expect(teaching).toEqual([
      expect.objectContaining({
        subject: expect.objectContaining({ code: 'MATH-7' }),
        instructor: { id: c.ids.ines, displayName: 'Ines Teacher' },
      }),
    ]);
    // Reading needs academics.view, changing academics.manage: a student may read, not change.
    expect((await call(c.school, c.as.ana, 'GET', '/api/academics/sections')).statusCode).toBe(200);
    const refused = await call(c.school, c.as.ana, 'POST', '/api/academics/programs', {
      code: 'X',
      name: 'X',
    });
    expect(refused.json().error).toMatchObject({
      code: 'FORBIDDEN',
      details: { missingPermissions: ['academics.manage'] },
    });
  });

  it('lists 40 sections, contents and submissions in as many statements as 5', async () => {
    const c = await campus(t);
    const work = bodyOf<{ id: string }>(await publish(c, {}), 201);
    const schema = schemaOf(c.school);
    // Bulk rows straight into the schema keep the test quick; the lists are what is measured.
    await withOwnerClient(async (db) => {
      await db.query(
        `WITH y AS (INSERT INTO "${schema}".academic_years (name, starts_on, ends_on)
                    VALUES ('2024-2025', '2024-07-01', '2025-06-30') RETURNING id)
         INSERT INTO "${schema}".sections (level_id, academic_year_id, name, capacity)
         SELECT $1, y.id, 'S' || n, 30 FROM y, generate_series(1, 40) n`,
        [c.level.id],
      );
      await db.query(
        `INSERT INTO "${schema}".course_contents (section_id, subject_id, kind, title, body, is_published, author_id)
         SELECT $1, $2, 'note', 'Note ' || n, '', true, $3 FROM generate_series(1, 40) n`,
        [c.sectionA.id, c.subject.id, c.ids.ines],
      );
      await db.query(
        `WITH p AS (
           INSERT INTO "${schema}".profiles (kind, first_name, last_name)
           SELECT 'student', 'Bulk', 'Pupil' || n FROM generate_series(1, 40) n RETURNING id),
         s AS (
           INSERT INTO "${schema}".students (profile_id, admission_number, admission_date)
           SELECT id, 'B-' || row_number() OVER (), current_date FROM p RETURNING profile_id),
         e AS (
           INSERT INTO "${schema}".section_students (section_id, student_id, joined_on)
           SELECT $1, profile_id, current_date FROM s RETURNING student_id),
         sub AS (
           INSERT INTO "${schema}".submissions (content_id, student_id, attempt_count, submitted_at, is_late)
           SELECT $2, student_id, 1, now(), false FROM e RETURNING id)
         INSERT INTO "${schema}".submission_attempts (submission_id, attempt, body, submitted_at, is_late)
         SELECT id, 1, 'bulk', now(), false FROM sub`,
        [c.sectionA.id, work.id],
      );
    });
    for (const [who, url] of [
      ['owner', '/api/academics/sections'],
      ['ines', '/api/course-content/contents'],
      ['ines', '/api/course-content/submissions'],
      ['owner', '/api/course-content/submissions'],
      ['ana', '/api/course-content/contents'],
    ] as const) {
      const session = who === 'owner' ? c.owner : c.as[who];
      const listed = (pageSize: number) => async () => {
        const page = bodyOf<Page>(
          await call(c.school, session, 'GET', `${url}?pageSize=${pageSize}`),
          200,
        );
        expect(page.data).toHaveLength(pageSize);
      };
      await listed(5)(); // caches warm
      const five = await statementsFor(listed(5), t.urls.apiRole);
      const forty = await statementsFor(listed(40), t.urls.apiRole);
      expect({ url, who, forty }).toEqual({ url, who, forty: five });
      expect(five).toBeLessThanOrEqual(5); // BEGIN+settings, viewer, page, COMMIT (+1 spare)
    }
  });

  it('works outside HTTP: the services run in a transaction of their own, acting as a given person', async () => {
    const c = await campus(t);
    const school = await withOwnerClient(async (db) => {
      const row = await db.query<School>(
        `SELECT id, slug, name, status, schema_name AS "schemaName", db_role AS "dbRole"
           FROM organizations WHERE slug = $1`,
        [c.school.slug],
      );
      return row.rows[0];
    });
    const transactions = t.app.get(TenantTransactions);
    const graded = await transactions.run(school, async () => {
      await t.app.get(ProgramsService).create({ code: 'SEED', name: 'Seeded program' });
      const content = await t.app.get(ContentsService).create(Viewers.instructor(c.ids.ines), {
        sectionId: c.sectionA.id,
        subjectId: c.subject.id,
        kind: 'assignment',
        title: 'Seeded homework',
        body: 'From a command',
        maxPoints: 10,
        isPublished: true,
      });
      const submission = await t.app.get(SubmissionsService).submit(Viewers.student(c.ids.ana), {
        contentId: content.id,
        body: 'Seeded answer',
      });
      return t.app
        .get(GradingService)
        .grade(Viewers.instructor(c.ids.ines), submission.id, { points: 9 });
    });
    expect(graded).toMatchObject({ status: 'graded', points: 9 });
    const mine = bodyOf<Page<{ id: string; points: number }>>(
      await call(c.school, c.as.ana, 'GET', '/api/course-content/submissions'),
      200,
    );
    expect(mine.data).toEqual([expect.objectContaining({ id: graded.id, points: 9 })]);
    expect(
      (await call(c.school, c.owner, 'GET', '/api/academics/programs?search=SEED')).json().meta
        .total,
    ).toBe(1);
    // The same rules hold outside HTTP: another section's instructor is refused.
    await expect(
      transactions.run(school, () =>
        t.app.get(GradingService).grade(Viewers.instructor(c.ids.otto), graded.id, { points: 1 }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
