import { bodyOf, caller, type Method, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { type CampusMember, withIds } from './support/refusals';
import { inSchema } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

interface Band {
  id: string;
  minPercent: number;
  letter: string;
  gradePoint: number | null;
  remark: string | null;
}
interface Scale {
  id: string;
  name: string;
  isDefault: boolean;
  bands: Band[];
}
interface Exam {
  id: string;
  name: string;
  status: string;
  term: { id: string; name: string; startsOn: string; endsOn: string };
  gradingScale: { id: string; name: string } | null;
  startsOn: string | null;
  endsOn: string | null;
  levels: Array<{ id: string; name: string }>;
  paperCount: number;
}
interface Paper {
  id: string;
  examId: string;
  subject: { id: string; code: string; name: string };
  level: { id: string; name: string };
  section: { id: string; name: string } | null;
  sitsOn: string;
  startsAt: string;
  durationMinutes: number;
  maxMarks: number;
  passMarks: number;
  room: string | null;
  invigilator: { id: string; name: string } | null;
}
interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const UNKNOWN = '00000000-0000-4000-8000-0000000000aa';

/**
 * Grading scales, exams, their papers and their status through HTTP, in a campus with a
 * 2026-2027 year whose autumn term runs 2026-08-17 to 2026-12-18; and that another school
 * sees none of it.
 */
describe('Exams: grading scales, exams, papers and status', () => {
  let t: TestApp;
  let c: Campus;
  const call = caller(() => t);
  const ids: Record<string, string> = {};

  const as = (who: CampusMember): SignedIn => (who === 'owner' ? c.owner : c.as[who]);
  const send = (who: CampusMember, method: Method, url: string, payload?: object) =>
    call(c.school, as(who), method, withIds(url, ids), payload && withIds(payload, ids));
  const ok = async <T = Record<string, unknown>>(
    who: CampusMember,
    method: Method,
    url: string,
    payload?: object,
    status = method === 'POST' ? 201 : 200,
  ) => bodyOf<T>(await send(who, method, url, payload), status);
  const refused = async (
    who: CampusMember,
    method: Method,
    url: string,
    payload: object | undefined,
    status: number,
  ) => bodyOf<ErrorBody>(await send(who, method, url, payload), status).error;
  const sql = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
    inSchema<T>(c.school, text, parameters);

  /** An exam of the autumn term for Grade 7, named uniquely. */
  let made = 0;
  const exam = (payload: object = {}) =>
    ok<Exam>('owner', 'POST', '/api/exams', {
      termId: '{autumn}',
      name: `Exam ${++made}`,
      levelIds: ['{level}'],
      ...payload,
    });
  const paper = (examId: string, payload: object) =>
    send('owner', 'POST', `/api/exams/${examId}/papers`, {
      subjectId: '{subject}',
      levelId: '{level}',
      sitsOn: '2026-12-07',
      startsAt: '09:00',
      durationMinutes: 90,
      maxMarks: 100,
      passMarks: 35,
      ...payload,
    });

  beforeAll(async () => {
    t = await createTestApp();
    c = await campus(t);
    Object.assign(ids, {
      level: c.level.id,
      program: c.program.id,
      sectionA: c.sectionA.id,
      sectionB: c.sectionB.id,
      subject: c.subject.id,
      ines: c.ids.ines,
      otto: c.ids.otto,
      unknown: UNKNOWN,
    });
    const year = await ok('owner', 'POST', '/api/calendar/academic-years', {
      name: '2026-2027',
      startsOn: '2026-07-01',
      endsOn: '2027-06-30',
    });
    ids.year = year.id as string;
    ids.autumn = (
      await ok('owner', 'POST', '/api/calendar/academic-years/{year}/terms', {
        name: 'Autumn term',
        startsOn: '2026-08-17',
        endsOn: '2026-12-18',
      })
    ).id as string;
    ids.grade8 = (
      await ok('owner', 'POST', '/api/academics/academic-levels', {
        programId: '{program}',
        name: 'Grade 8',
        position: 8,
      })
    ).id as string;
    ids.science = (
      await ok('owner', 'POST', '/api/academics/subjects', {
        code: 'SCI-7',
        name: 'Science',
        levelId: '{level}',
      })
    ).id as string;
    ids.english = (
      await ok('owner', 'POST', '/api/academics/subjects', { code: 'ENG', name: 'English' })
    ).id as string;
    ids.maths8 = (
      await ok('owner', 'POST', '/api/academics/subjects', {
        code: 'MATH-8',
        name: 'Mathematics 8',
        levelId: '{grade8}',
      })
    ).id as string;
    ids.section8 = (
      await ok('owner', 'POST', '/api/academics/sections', {
        levelId: '{grade8}',
        academicYearId: c.academicYear.id,
        name: '8A',
        capacity: 30,
      })
    ).id as string;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('grading scales', () => {
    const bands = [
      { minPercent: 80, letter: 'A', gradePoint: 4, remark: 'Excellent' },
      { minPercent: 50, letter: 'B', gradePoint: 3 },
      { minPercent: 0, letter: 'F', gradePoint: 0, remark: 'Fail' },
    ];

    it('every school starts with the default letter grades, highest band first', async () => {
      const { data } = await ok<{ data: Scale[] }>('ines', 'GET', '/api/exams/grading-scales');
      expect(data).toHaveLength(1);
      expect(data[0]).toMatchObject({ name: 'Letter grades', isDefault: true });
      expect(data[0].bands.map((band) => band.letter)).toEqual([
        'A+',
        'A',
        'B+',
        'B',
        'C+',
        'C',
        'D',
        'NG',
      ]);
      expect(data[0].bands[0]).toMatchObject({ minPercent: 90, gradePoint: 4 });
      ids.letterGrades = data[0].id;
    });

    it.each([
      ['no band at 0 %', [{ minPercent: 10, letter: 'A' }], 'bands'],
      [
        'two bands at one minPercent',
        [
          { minPercent: 0, letter: 'F' },
          { minPercent: 0, letter: 'A' },
        ],
        'bands.1.minPercent',
      ],
      [
        'one letter twice, whatever its case',
        [
          { minPercent: 0, letter: 'a' },
          { minPercent: 50, letter: 'A' },
        ],
        'bands.1.letter',
      ],
      [
        'a minPercent above 100',
        [
          { minPercent: 0, letter: 'F' },
          { minPercent: 101, letter: 'A' },
        ],
        'bands.1.minPercent',
      ],
      ['no bands at all', [], 'bands'],
      [
        'a band with an id on a new scale',
        [{ id: UNKNOWN, minPercent: 0, letter: 'F' }],
        'bands.0.id',
      ],
    ])('refuses a scale with %s (400 naming the field)', async (_case, scaleBands, field) => {
      const error = await refused(
        'owner',
        'POST',
        '/api/exams/grading-scales',
        { name: 'Broken', bands: scaleBands },
        400,
      );
      expect(error.code).toBe('VALIDATION_FAILED');
      expect((error.details as Array<{ field: string }>).map((d) => d.field)).toContain(field);
    });

    it('creates a scale; a teacher reads it but cannot make one', async () => {
      const scale = await ok<Scale>('owner', 'POST', '/api/exams/grading-scales', {
        name: 'Pass and fail',
        bands: [bands[2], bands[0], bands[1]],
      });
      ids.passFail = scale.id;
      expect(scale.isDefault).toBe(false);
      expect(scale.bands.map((band) => [band.minPercent, band.letter])).toEqual([
        [80, 'A'],
        [50, 'B'],
        [0, 'F'],
      ]);
      expect(await ok<Scale>('ines', 'GET', '/api/exams/grading-scales/{passFail}')).toEqual(scale);
      const error = await refused(
        'ines',
        'POST',
        '/api/exams/grading-scales',
        { name: 'Mine', bands },
        403,
      );
      expect(error.code).toBe('FORBIDDEN');
      expect(
        (
          await refused(
            'owner',
            'POST',
            '/api/exams/grading-scales',
            { name: 'pass AND fail', bands },
            409,
          )
        ).code,
      ).toBe('GRADING_SCALE_NAME_TAKEN');
    });

    it('PUT keeps bands by id (even swapping values), deletes the missing and adds the new', async () => {
      const before = await ok<Scale>('owner', 'GET', '/api/exams/grading-scales/{passFail}');
      const [a, b, f] = before.bands;
      const after = await ok<Scale>('owner', 'PUT', '/api/exams/grading-scales/{passFail}', {
        name: 'Pass, merit and fail',
        bands: [
          // A and B trade their thresholds and letters: unique keys meet only mid-way.
          { id: a.id, minPercent: 50, letter: 'B', gradePoint: 3 },
          { id: b.id, minPercent: 80, letter: 'A', gradePoint: 4, remark: 'Excellent' },
          { minPercent: 65, letter: 'M', remark: 'Merit' },
          { minPercent: 0, letter: 'F' },
        ],
      });
      expect(after.name).toBe('Pass, merit and fail');
      expect(after.bands.map((band) => [band.minPercent, band.letter, band.remark])).toEqual([
        [80, 'A', 'Excellent'],
        [65, 'M', 'Merit'],
        [50, 'B', null],
        [0, 'F', null],
      ]);
      expect(after.bands[0].id).toBe(b.id);
      expect(after.bands[2].id).toBe(a.id);
      expect(after.bands.map((band) => band.id)).not.toContain(f.id);
    });

    it('PUT refuses an id of another scale', async () => {
      const letters = await ok<Scale>('owner', 'GET', '/api/exams/grading-scales/{letterGrades}');
      const error = await refused(
        'owner',
        'PUT',
        '/api/exams/grading-scales/{passFail}',
        { name: 'X', bands: [{ id: letters.bands[0].id, minPercent: 0, letter: 'F' }] },
        400,
      );
      expect(error.details).toEqual([{ field: 'bands.0.id', problems: [expect.any(String)] }]);
    });

    it('a band results point at cannot be removed: 409 IN_USE naming it, nothing changed', async () => {
      const scale = await ok<Scale>('owner', 'GET', '/api/exams/grading-scales/{passFail}');
      const used = scale.bands.find((band) => band.letter === 'M')!;
      const graded = await exam({ gradingScaleId: '{passFail}' });
      await sql(
        `INSERT INTO exam_results (exam_id, student_id, section_id, total, max_total, percentage,
           band_id, passed, section_rank)
         VALUES ($1, $2, $3, 70, 100, 70, $4, true, 1)`,
        [graded.id, c.ids.ana, c.sectionA.id, used.id],
      );
      const error = await refused(
        'owner',
        'PUT',
        '/api/exams/grading-scales/{passFail}',
        {
          name: 'Renamed too',
          bands: scale.bands
            .filter((band) => band.id !== used.id)
            .map(({ id, minPercent, letter }) => ({ id, minPercent, letter })),
        },
        409,
      );
      expect(error).toMatchObject({
        code: 'IN_USE',
        details: { bandId: used.id, letter: 'M', results: 1 },
      });
      expect(await ok<Scale>('owner', 'GET', '/api/exams/grading-scales/{passFail}')).toEqual(
        scale,
      );
      // Kept, the band may still change its remark.
      const kept = await ok<Scale>('owner', 'PUT', '/api/exams/grading-scales/{passFail}', {
        name: scale.name,
        bands: scale.bands.map(({ id, minPercent, letter }) => ({
          id,
          minPercent,
          letter,
          remark: letter === 'M' ? 'Merit, kept' : null,
        })),
      });
      expect(kept.bands.find((band) => band.id === used.id)?.remark).toBe('Merit, kept');
      // The exam names the scale and results used it: it cannot be deleted either.
      expect(
        await refused('owner', 'DELETE', '/api/exams/grading-scales/{passFail}', undefined, 409),
      ).toMatchObject({ code: 'IN_USE', details: { exams: 1, results: 1 } });
    });

    it('make-default swaps the one default; the default cannot be deleted', async () => {
      const made = await ok<Scale>(
        'owner',
        'POST',
        '/api/exams/grading-scales/{passFail}/make-default',
        undefined,
        200,
      );
      expect(made.isDefault).toBe(true);
      const { data } = await ok<{ data: Scale[] }>('owner', 'GET', '/api/exams/grading-scales');
      expect(data.filter((scale) => scale.isDefault).map((scale) => scale.id)).toEqual([
        ids.passFail,
      ]);
      expect(
        (await refused('owner', 'DELETE', '/api/exams/grading-scales/{passFail}', undefined, 409))
          .code,
      ).toBe('GRADING_SCALE_IS_DEFAULT');
      // Many at once: one default afterwards, and no request fails.
      const swaps = await Promise.all(
        [ids.letterGrades, ids.passFail, ids.letterGrades, ids.passFail, ids.letterGrades].map(
          (id) => send('owner', 'POST', `/api/exams/grading-scales/${id}/make-default`),
        ),
      );
      expect(swaps.map((response) => response.statusCode)).toEqual([200, 200, 200, 200, 200]);
      const defaults = await sql('SELECT id FROM grading_scales WHERE is_default');
      expect(defaults).toHaveLength(1);
      await ok(
        'owner',
        'POST',
        '/api/exams/grading-scales/{letterGrades}/make-default',
        undefined,
        200,
      );
      expect(
        (
          await refused(
            'ines',
            'POST',
            '/api/exams/grading-scales/{passFail}/make-default',
            undefined,
            403,
          )
        ).code,
      ).toBe('FORBIDDEN');
    });

    it('deletes a scale nothing uses; an unknown one is 404', async () => {
      const spare = await ok<Scale>('owner', 'POST', '/api/exams/grading-scales', {
        name: 'Spare',
        bands: [{ minPercent: 0, letter: 'X' }],
      });
      expect(
        (await send('owner', 'DELETE', `/api/exams/grading-scales/${spare.id}`)).statusCode,
      ).toBe(204);
      expect(
        (await refused('owner', 'GET', `/api/exams/grading-scales/${spare.id}`, undefined, 404))
          .code,
      ).toBe('GRADING_SCALE_NOT_FOUND');
      expect(await sql('SELECT 1 FROM grading_bands WHERE scale_id = $1', [spare.id])).toHaveLength(
        0,
      );
    });
  });

  describe('exams', () => {
    it('takes a program as its levels, in their order', async () => {
      const made = await ok<Exam>('owner', 'POST', '/api/exams', {
        termId: '{autumn}',
        name: 'Mid-term examination',
        programIds: ['{program}'],
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
      });
      ids.midterm = made.id;
      expect(made).toMatchObject({
        name: 'Mid-term examination',
        status: 'draft',
        term: { id: ids.autumn, name: 'Autumn term', startsOn: '2026-08-17', endsOn: '2026-12-18' },
        gradingScale: null,
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
        levels: [
          { id: ids.level, name: 'Grade 7' },
          { id: ids.grade8, name: 'Grade 8' },
        ],
        paperCount: 0,
      });
      expect(await ok<Exam>('ines', 'GET', '/api/exams/{midterm}')).toEqual(made);
    });

    it.each([
      ['an unknown term', { termId: UNKNOWN }, 404, 'TERM_NOT_FOUND'],
      ['an unknown scale', { gradingScaleId: UNKNOWN }, 404, 'GRADING_SCALE_NOT_FOUND'],
      ['an unknown level', { levelIds: [UNKNOWN] }, 404, 'ACADEMIC_LEVEL_NOT_FOUND'],
      ['an unknown program', { levelIds: [], programIds: [UNKNOWN] }, 404, 'PROGRAM_NOT_FOUND'],
      ['no level nor program', { levelIds: [] }, 400, 'VALIDATION_FAILED'],
      ['a start before its term', { startsOn: '2026-08-16' }, 409, 'EXAM_OUTSIDE_TERM'],
      ['an end after its term', { endsOn: '2026-12-19' }, 409, 'EXAM_OUTSIDE_TERM'],
      [
        'an end before its start',
        { startsOn: '2026-12-10', endsOn: '2026-12-09' },
        400,
        'VALIDATION_FAILED',
      ],
      ['a name its term has', { name: 'MID-TERM examination' }, 409, 'EXAM_NAME_TAKEN'],
      ['a date that is no date', { startsOn: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
    ])('refuses an exam with %s', async (_case, payload, status, code) => {
      const error = await refused(
        'owner',
        'POST',
        '/api/exams',
        { termId: '{autumn}', name: 'Refused', levelIds: ['{level}'], ...payload },
        status,
      );
      expect(error.code).toBe(code);
    });

    it('a teacher (exams.view) reads exams but cannot create, change or delete one', async () => {
      for (const [method, url] of [
        ['POST', '/api/exams'],
        ['PATCH', '/api/exams/{midterm}'],
        ['DELETE', '/api/exams/{midterm}'],
        ['POST', '/api/exams/{midterm}/schedule'],
        ['POST', '/api/exams/{midterm}/papers'],
      ] as const) {
        const error = await refused('ines', method, url, { name: 'Mine' }, 403);
        expect(error.code).toBe('FORBIDDEN');
      }
      expect((await ok<Page>('ines', 'GET', '/api/exams')).meta.total).toBeGreaterThan(0);
      expect((await refused('ana', 'GET', '/api/exams', undefined, 403)).code).toBe('FORBIDDEN');
    });

    it('lists by term, status and level, a page at a time', async () => {
      const grade8Only = await exam({ levelIds: ['{grade8}'], name: 'Grade 8 only' });
      const byLevel = await ok<Page<Exam>>('owner', 'GET', '/api/exams?levelId={grade8}');
      expect(byLevel.data.map((row) => row.id).sort()).toEqual([ids.midterm, grade8Only.id].sort());
      const page = await ok<Page<Exam>>('owner', 'GET', '/api/exams?termId={autumn}&pageSize=1');
      expect(page.data).toHaveLength(1);
      expect(page.meta.total).toBeGreaterThanOrEqual(3);
      const drafts = await ok<Page<Exam>>('owner', 'GET', '/api/exams?status=draft&search=grade 8');
      expect(drafts.data.map((row) => row.id)).toEqual([grade8Only.id]);
      expect((await ok<Page<Exam>>('owner', 'GET', '/api/exams?status=locked')).data).toEqual([]);
      expect(
        (await refused('owner', 'GET', '/api/exams?status=sitting', undefined, 400)).code,
      ).toBe('VALIDATION_FAILED');
    });

    it('PATCH renames, picks a scale and moves the dates within the term', async () => {
      const made = await exam({ name: 'To change' });
      const changed = await ok<Exam>('owner', 'PATCH', `/api/exams/${made.id}`, {
        name: 'Changed',
        gradingScaleId: '{letterGrades}',
        startsOn: '2026-12-01',
      });
      expect(changed).toMatchObject({
        name: 'Changed',
        gradingScale: { id: ids.letterGrades, name: 'Letter grades' },
        startsOn: '2026-12-01',
        endsOn: null,
      });
      expect(
        (await refused('owner', 'PATCH', `/api/exams/${made.id}`, { endsOn: '2027-01-05' }, 409))
          .code,
      ).toBe('EXAM_OUTSIDE_TERM');
      expect((await refused('owner', 'PATCH', `/api/exams/${made.id}`, {}, 400)).code).toBe(
        'NOTHING_TO_CHANGE',
      );
      expect(
        (await refused('owner', 'PATCH', `/api/exams/${made.id}`, { name: null }, 400)).code,
      ).toBe('VALIDATION_FAILED');
    });
  });

  describe('papers', () => {
    beforeAll(async () => {
      ids.first = (
        await exam({ name: 'First exam', startsOn: '2026-12-07', endsOn: '2026-12-11' })
      ).id;
      ids.second = (await exam({ name: 'Second exam', levelIds: ['{level}', '{grade8}'] })).id;
    });

    it('sets a paper of a section with an invigilator', async () => {
      const made = bodyOf<Paper>(
        await paper(ids.first, {
          sectionId: '{sectionA}',
          invigilatorId: '{ines}',
          room: 'Hall B',
        }),
        201,
      );
      ids.paperA = made.id;
      expect(made).toMatchObject({
        examId: ids.first,
        subject: { id: ids.subject, code: 'MATH-7', name: 'Mathematics' },
        level: { id: ids.level, name: 'Grade 7' },
        section: { id: ids.sectionA, name: '7A' },
        sitsOn: '2026-12-07',
        startsAt: '09:00',
        durationMinutes: 90,
        maxMarks: 100,
        passMarks: 35,
        room: 'Hall B',
        invigilator: { id: ids.ines, name: 'Ines Teacher' },
      });
      expect(await ok<Paper>('ines', 'GET', '/api/exams/papers/{paperA}')).toEqual(made);
      expect((await ok<Exam>('owner', 'GET', '/api/exams/{first}')).paperCount).toBe(1);
    });

    it.each([
      [
        'the same section, another exam',
        { subjectId: '{science}', sectionId: '{sectionA}', startsAt: '10:00' },
        'section',
      ],
      ['its whole level, another exam', { subjectId: '{science}', startsAt: '08:00' }, 'section'],
      [
        'the same invigilator, another level',
        { subjectId: '{maths8}', levelId: '{grade8}', startsAt: '10:29', invigilatorId: '{ines}' },
        'invigilator',
      ],
    ])(
      'refuses a paper that overlaps in time with %s (409 EXAM_CLASH)',
      async (_case, payload, reason) => {
        const error = bodyOf<ErrorBody>(await paper(ids.second, withIds(payload, ids)), 409).error;
        expect(error).toMatchObject({
          code: 'EXAM_CLASH',
          details: {
            papers: [
              {
                id: ids.paperA,
                examId: ids.first,
                examName: 'First exam',
                subjectName: 'Mathematics',
                sitsOn: '2026-12-07',
                startsAt: '09:00',
                reason,
              },
            ],
          },
        });
      },
    );

    it('sets papers that do not overlap: back to back, another section, another level', async () => {
      const backToBack = await paper(ids.second, {
        subjectId: '{science}',
        sectionId: '{sectionA}',
        startsAt: '10:30',
        invigilatorId: '{ines}',
      });
      expect(backToBack.statusCode).toBe(201);
      const before = await paper(ids.second, {
        subjectId: '{english}',
        sectionId: '{sectionA}',
        startsAt: '08:00',
        durationMinutes: 60,
      });
      expect(before.statusCode).toBe(201);
      const otherSection = await paper(ids.second, { sectionId: '{sectionB}', startsAt: '09:30' });
      expect(otherSection.statusCode).toBe(201);
      const otherLevel = await paper(ids.second, {
        subjectId: '{maths8}',
        levelId: '{grade8}',
        startsAt: '09:00',
        invigilatorId: '{otto}',
      });
      expect(otherLevel.statusCode).toBe(201);
      // A whole-level paper of Grade 7 now overlaps both sections' papers.
      const whole = bodyOf<ErrorBody>(
        await paper(ids.second, { subjectId: '{english}', startsAt: '09:45', durationMinutes: 30 }),
        409,
      ).error;
      expect(whole.code).toBe('EXAM_CLASH');
      expect((whole.details as { papers: unknown[] }).papers).toHaveLength(2);
      const list = await ok<{ data: Paper[] }>(
        'ines',
        'GET',
        '/api/exams/{second}/papers?sectionId={sectionA}',
      );
      expect(list.data.map((row) => [row.subject.code, row.startsAt])).toEqual([
        ['ENG', '08:00'],
        ['SCI-7', '10:30'],
      ]);
    });

    it('of two clashing papers written at once, exactly one is set', async () => {
      const answers = await Promise.all(
        [ids.subject, ids.science, ids.english].map((subjectId) =>
          paper(ids.first, {
            subjectId,
            sectionId: '{sectionB}',
            sitsOn: '2026-12-08',
            startsAt: '14:00',
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses).toEqual([201, 409, 409]);
      for (const answer of answers.filter((response) => response.statusCode === 409)) {
        expect(answer.json<ErrorBody>().error.code).toBe('EXAM_CLASH');
      }
      const stored = await sql(
        `SELECT 1 FROM exam_papers WHERE section_id = $1 AND sits_on = '2026-12-08'`,
        [ids.sectionB],
      );
      expect(stored).toHaveLength(1);
    });

    it.each([
      ['passMarks above maxMarks', { passMarks: 101 }, 400, 'VALIDATION_FAILED'],
      ['a start that is no time', { startsAt: '9:00' }, 400, 'VALIDATION_FAILED'],
      ['a duration of 0', { durationMinutes: 0 }, 400, 'VALIDATION_FAILED'],
      [
        'a level the exam does not cover',
        { levelId: '{grade8}', subjectId: '{maths8}' },
        409,
        'LEVEL_NOT_IN_EXAM',
      ],
      ['an unknown level', { levelId: UNKNOWN }, 404, 'ACADEMIC_LEVEL_NOT_FOUND'],
      ['an unknown subject', { subjectId: UNKNOWN }, 404, 'SUBJECT_NOT_FOUND'],
      ['a subject of another level', { subjectId: '{maths8}' }, 409, 'SUBJECT_OF_ANOTHER_LEVEL'],
      ['an unknown section', { sectionId: UNKNOWN }, 404, 'SECTION_NOT_FOUND'],
      ['a section of another level', { sectionId: '{section8}' }, 409, 'SECTION_OF_ANOTHER_LEVEL'],
      ['an unknown invigilator', { invigilatorId: '{ana}' }, 404, 'INVIGILATOR_NOT_FOUND'],
      ['a day before the exam', { sitsOn: '2026-12-06' }, 409, 'PAPER_OUTSIDE_EXAM'],
      ['a day after the exam', { sitsOn: '2026-12-12' }, 409, 'PAPER_OUTSIDE_EXAM'],
      [
        'its subject twice for one section',
        { sectionId: '{sectionA}', sitsOn: '2026-12-10' },
        409,
        'EXAM_PAPER_TAKEN',
      ],
    ])('refuses a paper with %s', async (_case, payload, status, code) => {
      const withAna = { ...ids, ana: c.ids.ana };
      const response = await paper(ids.first, withIds(payload, withAna));
      expect(bodyOf<ErrorBody>(response, status).error.code).toBe(code);
    });

    it('a paper outside the term of an exam without dates is refused too', async () => {
      const response = await paper(ids.second, { sitsOn: '2026-12-19', startsAt: '15:00' });
      expect(bodyOf<ErrorBody>(response, 409).error).toMatchObject({
        code: 'PAPER_OUTSIDE_EXAM',
        details: { startsOn: '2026-08-17', endsOn: '2026-12-18' },
      });
    });

    it('PATCH changes a paper, checking clashes against the others but not itself', async () => {
      const moved = await ok<Paper>('owner', 'PATCH', '/api/exams/papers/{paperA}', {
        startsAt: '09:15',
        durationMinutes: 75,
        room: null,
      });
      expect(moved).toMatchObject({ startsAt: '09:15', durationMinutes: 75, room: null });
      const clash = await refused(
        'owner',
        'PATCH',
        '/api/exams/papers/{paperA}',
        { startsAt: '10:00' },
        409,
      );
      expect(clash.code).toBe('EXAM_CLASH');
      expect(
        (await refused('owner', 'PATCH', '/api/exams/papers/{paperA}', { passMarks: 200 }, 400))
          .code,
      ).toBe('VALIDATION_FAILED');
      expect(
        (await refused('owner', 'PATCH', '/api/exams/papers/{paperA}', { sitsOn: null }, 400)).code,
      ).toBe('VALIDATION_FAILED');
      expect((await ok<Paper>('owner', 'GET', '/api/exams/papers/{paperA}')).startsAt).toBe(
        '09:15',
      );
    });

    it('an exam cannot move its dates away from its papers', async () => {
      const error = await refused(
        'owner',
        'PATCH',
        '/api/exams/{first}',
        { startsOn: '2026-12-09' },
        409,
      );
      expect(error).toMatchObject({ code: 'PAPERS_OUTSIDE_EXAM' });
      expect((error.details as { paperIds: string[] }).paperIds).toContain(ids.paperA);
    });
  });

  describe('status', () => {
    /** An exam in `status`, with one paper unless `papers` is false (written with SQL). */
    const examIn = async (status: string, papers = true) => {
      const made = await exam();
      if (papers) {
        await sql(
          `INSERT INTO exam_papers (exam_id, subject_id, level_id, sits_on, starts_at,
             duration_minutes, max_marks, pass_marks)
           VALUES ($1, $2, $3, '2026-11-02', '09:00', 60, 50, 20)`,
          [made.id, c.subject.id, c.level.id],
        );
      }
      await sql('UPDATE exams SET status = $2 WHERE id = $1', [made.id, status]);
      return made.id;
    };

    it.each([
      ['schedule', 'draft', 200, 'scheduled'],
      ['schedule', 'scheduled', 409, ['draft']],
      ['schedule', 'marking', 409, ['draft']],
      ['start-marking', 'scheduled', 200, 'marking'],
      ['start-marking', 'draft', 409, ['scheduled']],
      ['start-marking', 'published', 409, ['scheduled']],
      ['lock', 'published', 200, 'locked'],
      ['lock', 'marking', 409, ['published']],
      ['lock', 'locked', 409, ['published']],
    ])('%s from %s answers %i', async (action, from, status, outcome) => {
      const id = await examIn(from);
      const response = await send('owner', 'POST', `/api/exams/${id}/${action}`);
      if (status === 200) {
        expect(bodyOf<Exam>(response, 200).status).toBe(outcome);
      } else {
        expect(bodyOf<ErrorBody>(response, 409).error).toMatchObject({
          code: 'EXAM_STATUS',
          details: { status: from, allowed: outcome },
        });
        expect(await sql('SELECT status FROM exams WHERE id = $1', [id])).toEqual([
          { status: from },
        ]);
      }
    });

    it('an exam without papers cannot be scheduled', async () => {
      const id = await examIn('draft', false);
      const error = await refused('owner', 'POST', `/api/exams/${id}/schedule`, undefined, 409);
      expect(error.code).toBe('EXAM_HAS_NO_PAPERS');
    });

    it('papers change only while the exam is draft or scheduled', async () => {
      const id = await examIn('marking');
      const [{ id: paperId }] = await sql<{ id: string }>(
        'SELECT id FROM exam_papers WHERE exam_id = $1',
        [id],
      );
      const added = await paper(id, { sitsOn: '2026-11-03' });
      expect(bodyOf<ErrorBody>(added, 409).error).toMatchObject({
        code: 'EXAM_STATUS',
        details: { status: 'marking', allowed: ['draft', 'scheduled'] },
      });
      for (const [method, payload] of [
        ['PATCH', { room: 'Hall' }],
        ['DELETE', undefined],
      ] as const) {
        const error = await refused('owner', method, `/api/exams/papers/${paperId}`, payload, 409);
        expect(error.code).toBe('EXAM_STATUS');
      }
      expect(
        (await refused('owner', 'PATCH', `/api/exams/${id}`, { startsOn: '2026-11-02' }, 409)).code,
      ).toBe('EXAM_STATUS');
    });

    it('deletes a draft or scheduled exam with its papers, not a later one nor one with marks', async () => {
      const draft = await examIn('draft');
      expect((await send('owner', 'DELETE', `/api/exams/${draft}`)).statusCode).toBe(204);
      expect(await sql('SELECT 1 FROM exam_papers WHERE exam_id = $1', [draft])).toEqual([]);
      expect((await refused('owner', 'GET', `/api/exams/${draft}`, undefined, 404)).code).toBe(
        'EXAM_NOT_FOUND',
      );

      const marking = await examIn('marking');
      expect(
        await refused('owner', 'DELETE', `/api/exams/${marking}`, undefined, 409),
      ).toMatchObject({ code: 'EXAM_STATUS', details: { status: 'marking' } });

      const scheduled = await examIn('scheduled');
      await sql(
        `INSERT INTO exam_marks (paper_id, student_id, marks)
         SELECT id, $2, 40 FROM exam_papers WHERE exam_id = $1`,
        [scheduled, c.ids.ana],
      );
      expect(
        await refused('owner', 'DELETE', `/api/exams/${scheduled}`, undefined, 409),
      ).toMatchObject({ code: 'IN_USE', details: { marks: 1 } });
      const [{ id: markedPaper }] = await sql<{ id: string }>(
        'SELECT id FROM exam_papers WHERE exam_id = $1',
        [scheduled],
      );
      expect(
        await refused('owner', 'DELETE', `/api/exams/papers/${markedPaper}`, undefined, 409),
      ).toMatchObject({ code: 'IN_USE', details: { marks: 1 } });
    });
  });

  describe('the calendar under exams', () => {
    it('a term or a year with exams cannot be deleted (409 IN_USE), and stays', async () => {
      expect(
        await refused('owner', 'DELETE', '/api/calendar/terms/{autumn}', undefined, 409),
      ).toMatchObject({ code: 'IN_USE', details: { exams: expect.any(Number) } });
      expect(
        await refused('owner', 'DELETE', '/api/calendar/academic-years/{year}', undefined, 409),
      ).toMatchObject({ code: 'IN_USE', details: { exams: expect.any(Number) } });
      expect(await sql('SELECT 1 FROM terms WHERE id = $1', [ids.autumn])).toHaveLength(1);
    });

    it('a term without exams is still deleted', async () => {
      const spring = await ok('owner', 'POST', '/api/calendar/academic-years/{year}/terms', {
        name: 'Spring term',
        startsOn: '2027-01-04',
        endsOn: '2027-03-26',
      });
      expect(
        (await send('owner', 'DELETE', `/api/calendar/terms/${spring.id as string}`)).statusCode,
      ).toBe(204);
    });
  });

  describe('another school', () => {
    let other: RegisteredSchool;
    let owner: SignedIn;
    const ask = (method: Method, url: string, payload?: object) =>
      call(other, owner, method, withIds(url, ids), payload && withIds(payload, ids));

    beforeAll(async () => {
      other = await registerSchool(t.app);
      owner = await signIn(t.app, other.host, other.ownerUsername);
    });

    it('sees none of it: empty lists, 404 for every id', async () => {
      expect(bodyOf<Page>(await ask('GET', '/api/exams'), 200)).toEqual({
        data: [],
        meta: { page: 1, pageSize: 20, total: 0 },
      });
      const scales = bodyOf<{ data: Scale[] }>(await ask('GET', '/api/exams/grading-scales'), 200);
      expect(scales.data.map((scale) => scale.id)).not.toContain(ids.passFail);
      expect(scales.data.map((scale) => scale.id)).not.toContain(ids.letterGrades);
      for (const [method, url, code] of [
        ['GET', '/api/exams/{midterm}', 'EXAM_NOT_FOUND'],
        ['PATCH', '/api/exams/{midterm}', 'EXAM_NOT_FOUND'],
        ['DELETE', '/api/exams/{first}', 'EXAM_NOT_FOUND'],
        ['POST', '/api/exams/{first}/schedule', 'EXAM_NOT_FOUND'],
        ['GET', '/api/exams/{first}/papers', 'EXAM_NOT_FOUND'],
        ['GET', '/api/exams/papers/{paperA}', 'EXAM_PAPER_NOT_FOUND'],
        ['PATCH', '/api/exams/papers/{paperA}', 'EXAM_PAPER_NOT_FOUND'],
        ['DELETE', '/api/exams/papers/{paperA}', 'EXAM_PAPER_NOT_FOUND'],
        ['GET', '/api/exams/grading-scales/{passFail}', 'GRADING_SCALE_NOT_FOUND'],
        ['POST', '/api/exams/grading-scales/{passFail}/make-default', 'GRADING_SCALE_NOT_FOUND'],
        ['DELETE', '/api/exams/grading-scales/{passFail}', 'GRADING_SCALE_NOT_FOUND'],
      ] as const) {
        const payload =
          method !== 'PATCH' ? undefined : url.includes('papers') ? { room: 'X' } : { name: 'X' };
        expect([url, bodyOf<ErrorBody>(await ask(method, url, payload), 404).error.code]).toEqual([
          url,
          code,
        ]);
      }
      const put = await ask('PUT', '/api/exams/grading-scales/{passFail}', {
        name: 'Taken over',
        bands: [{ minPercent: 0, letter: 'F' }],
      });
      expect(bodyOf<ErrorBody>(put, 404).error.code).toBe('GRADING_SCALE_NOT_FOUND');
      // Nor can it make an exam of the first school's term, nor a paper in its exam.
      const made = await ask('POST', '/api/exams', {
        termId: '{autumn}',
        name: 'Borrowed',
        levelIds: ['{level}'],
      });
      expect(bodyOf<ErrorBody>(made, 404).error.code).toBe('TERM_NOT_FOUND');
      expect((await ok<Exam>('owner', 'GET', '/api/exams/{midterm}')).name).toBe(
        'Mid-term examination',
      );
    });
  });
});
