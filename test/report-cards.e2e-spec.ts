import { jest } from '@jest/globals';
import { ReportCardBatchBuilder } from '@schoolyard/exams';
import { type LightMyRequestResponse } from 'fastify';
import { PDFParse } from 'pdf-parse';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { dailyRegister, examWithResults, gradedAssignment } from './support/exam-records';
import { inSchema } from './support/school-year';
import { statementsSent } from './support/statements';
import {
  createTestApp,
  registerSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

/*
 * Term weightings, report cards (JSON and PDF) and section batches. Exams, results, coursework
 * and registers are written with SQL (test/support/exam-records.ts): those are other parts'
 * routes, and the figures here are chosen to be checked by hand.
 *
 * Autumn term 2026-09-01..2026-12-20. Mathematics weighs coursework 40 %; Science has no
 * weighting (exams only).
 * - Ana, Maths: coursework 15/20 + 27/30 = 84 %, the Midterm 70/100: 0.4 * 84 + 0.6 * 70 = 75.6
 *   (B+, 3.2). Science: exam 45/50 = 90 (A+, 4.0; coursework 100 % ignored). Overall 82.8, A,
 *   GPA 3.6. Daily registers: present, late, absent (rate 2/3).
 * - Ben, Maths: coursework 10/20 = 50 %, absent from the Midterm (0 %): 20 (NG). Science 25/50.
 */

let t: TestApp;
let c: Campus;
let autumn: string;
let spring: string;
let science: string;
const call = caller(() => t);

type Who = 'owner' | 'ana' | 'ben' | 'cleo' | 'ines' | 'otto' | 'gwen';
const as = (who: Who): SignedIn => (who === 'owner' ? c.owner : c.as[who]);
const request = (who: Who, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
  call(c.school, as(who), method, url, payload);

const pdfText = async (response: LightMyRequestResponse): Promise<string> => {
  const parser = new PDFParse({ data: new Uint8Array(response.rawPayload) });
  try {
    return (await parser.getText()).text;
  } finally {
    await parser.destroy();
  }
};

beforeAll(async () => {
  t = await createTestApp();
  c = await campus(t);
  const post = async (url: string, payload: object) =>
    bodyOf<{ id: string }>(await request('owner', 'POST', url, payload), 201);
  const year = await post('/api/calendar/academic-years', {
    name: '2026-2027',
    startsOn: '2026-07-01',
    endsOn: '2027-06-30',
  });
  autumn = (
    await post(`/api/calendar/academic-years/${year.id}/terms`, {
      name: 'Autumn',
      startsOn: '2026-09-01',
      endsOn: '2026-12-20',
    })
  ).id;
  spring = (
    await post(`/api/calendar/academic-years/${year.id}/terms`, {
      name: 'Spring',
      startsOn: '2027-01-04',
      endsOn: '2027-04-30',
    })
  ).id;
  science = (
    await post('/api/academics/subjects', { code: 'SCI-7', name: 'Science', levelId: c.level.id })
  ).id;
  // Enrolled today through the API: their memberships must cover the term's earlier days.
  await inSchema(c.school, `UPDATE section_students SET joined_on = '2026-08-01'`);
  await inSchema(
    c.school,
    `UPDATE school_settings SET display_name = 'Harbour Academy', primary_color = '#0a7d3b',
                                locale = 'en-GB', timezone = 'Asia/Kathmandu'`,
  );

  const { ana, ben, cleo } = c.ids;
  const maths = c.subject.id;
  const a = c.sectionA.id;
  await gradedAssignment(c.school, {
    sectionId: a,
    subjectId: maths,
    dueAt: '2026-10-05T10:00:00Z',
    maxPoints: 20,
    points: { [ana]: 15, [ben]: 10 },
  });
  await gradedAssignment(c.school, {
    sectionId: a,
    subjectId: maths,
    dueAt: '2026-11-10T10:00:00Z',
    maxPoints: 30,
    points: { [ana]: 27, [ben]: 'submitted' },
  });
  // Due on 31 August at 23:00 UTC: 1 September in Kathmandu, so inside the term.
  await gradedAssignment(c.school, {
    sectionId: a,
    subjectId: science,
    dueAt: '2026-08-31T23:00:00Z',
    maxPoints: 10,
    points: { [ana]: 10 },
  });
  // Due before the term (by the school's date): not counted.
  await gradedAssignment(c.school, {
    sectionId: a,
    subjectId: maths,
    dueAt: '2026-08-20T10:00:00Z',
    maxPoints: 10,
    points: { [ana]: 0 },
  });
  const sections = { [ana]: a, [ben]: a, [cleo]: c.sectionB.id };
  await examWithResults(c.school, {
    termId: autumn,
    levelId: c.level.id,
    name: 'Midterm',
    status: 'published',
    sections,
    papers: [
      { subjectId: maths, maxMarks: 100, marks: { [ana]: 70, [ben]: null, [cleo]: 55 } },
      { subjectId: science, maxMarks: 50, marks: { [ana]: 45, [ben]: 25, [cleo]: 30 } },
    ],
  });
  // Marked but not published: left out of every figure.
  await examWithResults(c.school, {
    termId: autumn,
    levelId: c.level.id,
    name: 'Final',
    status: 'marking',
    sections,
    papers: [{ subjectId: maths, maxMarks: 100, marks: { [ana]: 10 } }],
  });
  await examWithResults(c.school, {
    termId: spring,
    levelId: c.level.id,
    name: 'Spring test',
    status: 'scheduled',
    sections,
    papers: [{ subjectId: maths, maxMarks: 100, marks: { [ana]: 99 } }],
  });
  await dailyRegister(c.school, a, '2026-11-02', { [ana]: 'present', [ben]: 'absent' });
  await dailyRegister(c.school, a, '2026-11-03', { [ana]: 'late', [ben]: 'present' });
  await dailyRegister(c.school, a, '2026-11-04', { [ana]: 'absent', [ben]: 'excused' });
  await dailyRegister(c.school, a, '2026-08-25', { [ana]: 'absent', [ben]: 'absent' });

  bodyOf(
    await request('owner', 'PUT', `/api/exams/weightings/${autumn}`, {
      subjects: [{ subjectId: maths, courseworkPercent: 40 }],
    }),
    200,
  );
});

afterAll(() => t?.close());

describe('weightings', () => {
  it.each([
    ['a share above 100', { subjects: [{ subjectId: '{maths}', courseworkPercent: 101 }] }],
    ['a negative share', { subjects: [{ subjectId: '{maths}', courseworkPercent: -1 }] }],
    ['a share with decimals', { subjects: [{ subjectId: '{maths}', courseworkPercent: 12.5 }] }],
    ['a share that is text', { subjects: [{ subjectId: '{maths}', courseworkPercent: 'half' }] }],
    ['no share', { subjects: [{ subjectId: '{maths}' }] }],
    ['a subject id that is no UUID', { subjects: [{ subjectId: 'x', courseworkPercent: 10 }] }],
    ['no list', {}],
    ['a list that is no array', { subjects: 'all' }],
    [
      'one subject twice',
      {
        subjects: [
          { subjectId: '{maths}', courseworkPercent: 10 },
          { subjectId: '{maths}', courseworkPercent: 20 },
        ],
      },
    ],
  ])('refuses %s with 400 and changes nothing', async (_case, body) => {
    const payload = JSON.parse(JSON.stringify(body).replaceAll('{maths}', c.subject.id)) as object;
    const response = await request('owner', 'PUT', `/api/exams/weightings/${autumn}`, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    const after = bodyOf<{ subjects: unknown[] }>(
      await request('owner', 'GET', `/api/exams/weightings/${autumn}`),
      200,
    );
    expect(after.subjects).toEqual([
      expect.objectContaining({ subjectId: c.subject.id, courseworkPercent: 40, examPercent: 60 }),
    ]);
  });

  it('answers 404 for an unknown term or subject, and 403 to an instructor', async () => {
    const unknown = '00000000-0000-4000-8000-000000000001';
    const put = (term: string, subjectId: string, who: Who = 'owner') =>
      request(who, 'PUT', `/api/exams/weightings/${term}`, {
        subjects: [{ subjectId, courseworkPercent: 30 }],
      });
    expect((await put(unknown, c.subject.id)).json()).toMatchObject({
      error: { code: 'TERM_NOT_FOUND' },
    });
    const missing = await put(spring, unknown);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      error: { code: 'SUBJECT_NOT_FOUND', details: { subjectIds: [unknown] } },
    });
    expect((await put(spring, c.subject.id, 'ines')).statusCode).toBe(403);
    expect((await request('owner', 'GET', `/api/exams/weightings/${unknown}`)).statusCode).toBe(
      404,
    );
  });

  it('replaces the whole list; an instructor reads it', async () => {
    const put = (subjects: object[]) =>
      request('owner', 'PUT', `/api/exams/weightings/${spring}`, { subjects });
    const both = bodyOf<{ subjects: Array<{ code: string; courseworkPercent: number }> }>(
      await put([
        { subjectId: science, courseworkPercent: 0 },
        { subjectId: c.subject.id, courseworkPercent: 100 },
      ]),
      200,
    );
    expect(both.subjects.map((s) => [s.code, s.courseworkPercent])).toEqual([
      ['MATH-7', 100],
      ['SCI-7', 0],
    ]);
    bodyOf(await put([{ subjectId: science, courseworkPercent: 25 }]), 200);
    const read = bodyOf<{ termId: string; subjects: unknown[] }>(
      await request('ines', 'GET', `/api/exams/weightings/${spring}`),
      200,
    );
    expect(read).toEqual({
      termId: spring,
      subjects: [
        {
          subjectId: science,
          code: 'SCI-7',
          name: 'Science',
          courseworkPercent: 25,
          examPercent: 75,
        },
      ],
    });
    bodyOf(await put([]), 200);
    expect(
      bodyOf<{ subjects: unknown[] }>(
        await request('owner', 'GET', `/api/exams/weightings/${spring}`),
        200,
      ).subjects,
    ).toEqual([]);
  });
});

describe('report card', () => {
  it("blends coursework and exams by the term's weighting, with exams, attendance and branding", async () => {
    const card = bodyOf<Record<string, unknown>>(
      await request('owner', 'GET', `/api/students/${c.ids.ana}/report-card?termId=${autumn}`),
      200,
    );
    expect(card).toEqual({
      school: {
        displayName: 'Harbour Academy',
        primaryColor: '#0a7d3b',
        secondaryColor: null,
        locale: 'en-GB',
        timezone: 'Asia/Kathmandu',
      },
      student: {
        id: c.ids.ana,
        firstName: 'Ana',
        middleName: null,
        lastName: 'Pupil',
        admissionNumber: 'C-1',
        section: { id: c.sectionA.id, name: '7A' },
        level: { id: c.level.id, name: 'Grade 7' },
      },
      term: {
        id: autumn,
        name: 'Autumn',
        startsOn: '2026-09-01',
        endsOn: '2026-12-20',
        academicYear: { id: expect.any(String), name: '2026-2027' },
      },
      subjects: [
        {
          subjectId: c.subject.id,
          code: 'MATH-7',
          name: 'Mathematics',
          courseworkWeight: 40,
          courseworkPercentage: 84,
          examPercentage: 70,
          percentage: 75.6,
          letter: 'B+',
          gradePoint: 3.2,
          remark: 'Very good',
        },
        {
          subjectId: science,
          code: 'SCI-7',
          name: 'Science',
          courseworkWeight: 0,
          courseworkPercentage: 100,
          examPercentage: 90,
          percentage: 90,
          letter: 'A+',
          gradePoint: 4,
          remark: 'Outstanding',
        },
      ],
      overall: { percentage: 82.8, gpa: 3.6, letter: 'A' },
      exams: [
        {
          examId: expect.any(String),
          name: 'Midterm',
          total: 115,
          maxTotal: 150,
          percentage: 76.67,
          letter: null,
          sectionRank: 1,
        },
      ],
      attendance: { registers: 3, present: 1, absent: 1, late: 1, excused: 0, rate: 0.6667 },
      published: true,
    });
  });

  it('counts an absence as 0 and uses the part there is when the other is missing', async () => {
    const card = bodyOf<{
      subjects: Array<Record<string, unknown>>;
      overall: unknown;
      exams: Array<{ sectionRank: number }>;
      attendance: unknown;
    }>(
      await request('owner', 'GET', `/api/students/${c.ids.ben}/report-card?termId=${autumn}`),
      200,
    );
    expect(card.subjects).toEqual([
      expect.objectContaining({
        code: 'MATH-7',
        courseworkPercentage: 50,
        examPercentage: 0,
        percentage: 20,
        letter: 'NG',
      }),
      expect.objectContaining({
        code: 'SCI-7',
        courseworkPercentage: null,
        examPercentage: 50,
        percentage: 50,
        letter: 'C+',
      }),
    ]);
    expect(card.overall).toEqual({ percentage: 35, gpa: 1.2, letter: 'D' });
    expect(card.exams.map((exam) => exam.sectionRank)).toEqual([2]);
    expect(card.attendance).toEqual({
      registers: 3,
      present: 1,
      absent: 1,
      late: 0,
      excused: 1,
      rate: 0.5,
    });
  });

  it('is empty and marked unpublished for a term whose exams are not out', async () => {
    const card = bodyOf<Record<string, unknown>>(
      await request('owner', 'GET', `/api/students/${c.ids.ana}/report-card?termId=${spring}`),
      200,
    );
    expect(card).toMatchObject({
      subjects: [],
      overall: { percentage: null, gpa: null, letter: null },
      exams: [],
      attendance: { registers: 0, rate: null },
      published: false,
    });
  });

  it('is a branded A4 PDF holding the grade, asked by ?format=pdf or Accept', async () => {
    const url = `/api/students/${c.ids.ana}/report-card?termId=${autumn}`;
    for (const response of [
      await request('owner', 'GET', `${url}&format=pdf`),
      await call(c.school, c.owner, 'GET', url, undefined, { accept: 'application/pdf' }),
    ]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers.vary).toMatch(/\bAccept\b/);
      expect(response.headers['content-disposition']).toBe(
        'inline; filename="report-card-C-1-Autumn.pdf"',
      );
      expect(response.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      expect(response.rawPayload.toString('latin1')).toMatch(/MediaBox \[0 0 595\.28 841\.89\]/);
      const text = await pdfText(response);
      expect(text).toContain('Harbour Academy');
      expect(text).toContain('Ana Pupil');
      expect(text).toMatch(/Mathematics.*84%.*70%.*75\.6%.*B\+.*3\.2.*Very good/);
      expect(text).toMatch(/Overall: 82\.8%\s+GPA: 3\.6\s+Grade: A\b/);
      expect(text).toContain('Midterm');
      expect(text).toMatch(/Present 1\s+Absent 1\s+Late 1\s+Excused 0\s+Rate 66\.67%/);
      // en-GB dates: day before month.
      expect(text).toContain('1 Sept 2026 - 20 Dec 2026');
    }
  });

  it('refuses a bad format or term id with 400, as JSON', async () => {
    for (const url of [
      `/api/students/${c.ids.ana}/report-card?termId=${autumn}&format=docx`,
      `/api/students/${c.ids.ana}/report-card?termId=nope&format=pdf`,
      `/api/students/${c.ids.ana}/report-card`,
    ]) {
      const response = await call(c.school, c.owner, 'GET', url, undefined, {
        accept: 'application/pdf',
      });
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    }
    const unknownTerm = await request(
      'owner',
      'GET',
      `/api/students/${c.ids.ana}/report-card?termId=00000000-0000-4000-8000-000000000002&format=pdf`,
    );
    expect(unknownTerm.statusCode).toBe(404);
    expect(unknownTerm.json()).toMatchObject({ error: { code: 'TERM_NOT_FOUND' } });
  });

  it('reaches instructors only for students of the sections they teach', async () => {
    const card = (who: Who, student: string) =>
      request(who, 'GET', `/api/students/${student}/report-card?termId=${autumn}`);
    expect((await card('ines', c.ids.ana)).statusCode).toBe(200);
    expect((await card('otto', c.ids.cleo)).statusCode).toBe(200);
    const refused = await card('otto', c.ids.ana);
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toMatchObject({ error: { code: 'STUDENT_NOT_FOUND' } });
    // Students and guardians hold no exams.view.
    expect((await card('ana', c.ids.ana)).statusCode).toBe(403);
    expect((await card('gwen', c.ids.ana)).statusCode).toBe(403);
  });
});

describe('own report cards', () => {
  it('a student reads their own once an exam of the term is out (409 before), as JSON or PDF', async () => {
    const mine = (who: Who, term: string, format = '') =>
      request(who, 'GET', `/api/exams/my-report-card?termId=${term}${format}`);
    const early = await mine('ana', spring);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: { code: 'REPORT_CARD_NOT_READY' } });
    expect(bodyOf<{ student: { id: string } }>(await mine('ana', autumn), 200).student.id).toBe(
      c.ids.ana,
    );
    expect(bodyOf<{ student: { id: string } }>(await mine('cleo', autumn), 200).student.id).toBe(
      c.ids.cleo,
    );
    const pdf = await mine('ben', autumn, '&format=pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf);
    expect(text).toContain('Ben Pupil');
    expect(text).toMatch(/Mathematics.*50%.*0%.*20%.*NG/);
    // An instructor is no student: nothing of theirs to show.
    expect((await mine('ines', autumn)).statusCode).toBe(404);
  });

  it("a guardian reads their child's after publication, never another family's", async () => {
    const child = (who: Who, student: string, term: string) =>
      request(who, 'GET', `/api/guardians/my-children/${student}/report-card?termId=${term}`);
    const early = await child('gwen', c.ids.ana, spring);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: { code: 'REPORT_CARD_NOT_READY' } });
    const card = bodyOf<{ student: { id: string }; subjects: Array<{ letter: string }> }>(
      await child('gwen', c.ids.ana, autumn),
      200,
    );
    expect(card.student.id).toBe(c.ids.ana);
    expect(card.subjects.map((s) => s.letter)).toEqual(['B+', 'A+']);
    for (const [who, student] of [
      ['gwen', c.ids.ben],
      ['gwen', c.ids.cleo],
      ['ben', c.ids.ana],
      ['ines', c.ids.ana],
    ] as const) {
      for (const term of [autumn, spring]) {
        const refused = await child(who, student, term);
        expect(refused.statusCode).toBe(404);
        expect(refused.json()).toMatchObject({ error: { code: 'STUDENT_NOT_FOUND' } });
      }
    }
    const pdf = await call(
      c.school,
      c.as.gwen,
      'GET',
      `/api/guardians/my-children/${c.ids.ana}/report-card?termId=${autumn}`,
      undefined,
      { accept: 'application/pdf' },
    );
    expect(await pdfText(pdf)).toContain('Ana Pupil');
  });
});

describe('section batches', () => {
  const batchUrl = '/api/exams/report-cards/batches';

  async function ready(id: string): Promise<{ status: string; studentCount: number }> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const batch = bodyOf<{ status: string; studentCount: number; error: string | null }>(
        await request('owner', 'GET', `${batchUrl}/${id}`),
        200,
      );
      if (batch.status === 'ready' || batch.status === 'failed' || Date.now() > deadline) {
        return batch;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('queues a job that builds one PDF with every card in roster order, once', async () => {
    const queued = bodyOf<{ id: string; status: string; studentCount: null }>(
      await request('owner', 'POST', batchUrl, { sectionId: c.sectionA.id, termId: autumn }),
      201,
    );
    expect(queued).toMatchObject({
      sectionId: c.sectionA.id,
      termId: autumn,
      status: 'queued',
      studentCount: null,
      fileBytes: null,
      error: null,
    });
    expect(await ready(queued.id)).toMatchObject({ status: 'ready', studentCount: 2 });
    const file = await request('owner', 'GET', `${batchUrl}/${queued.id}/file`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(file);
    expect(text.indexOf('Ana Pupil')).toBeGreaterThan(-1);
    expect(text.indexOf('Ben Pupil')).toBeGreaterThan(text.indexOf('Ana Pupil'));
    expect(text).not.toContain('Cleo Pupil');
    expect(text).toMatch(/Mathematics.*75\.6%.*B\+/);

    // The job delivered again (a retry) finds the batch built and leaves it alone.
    const builder = t.app.get(ReportCardBatchBuilder);
    expect(await builder.build(c.school.id, queued.id)).toBe('skipped');
    const again = await request('owner', 'GET', `${batchUrl}/${queued.id}/file`);
    expect(again.rawPayload.equals(file.rawPayload)).toBe(true);
  });

  it('answers 409 for the file of a batch not built, 404 for unknown ones, 403 without exams.publish', async () => {
    const [row] = await inSchema<{ id: string }>(
      c.school,
      `INSERT INTO report_card_batches (section_id, term_id) VALUES ($1, $2) RETURNING id`,
      [c.sectionB.id, autumn],
    );
    const early = await request('owner', 'GET', `${batchUrl}/${row.id}/file`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({
      error: { code: 'REPORT_CARD_BATCH_NOT_READY', details: { status: 'queued' } },
    });
    const unknown = '00000000-0000-4000-8000-000000000003';
    expect((await request('owner', 'GET', `${batchUrl}/${unknown}`)).statusCode).toBe(404);
    expect((await request('owner', 'GET', `${batchUrl}/${unknown}/file`)).statusCode).toBe(404);
    for (const [payload, code] of [
      [{ sectionId: unknown, termId: autumn }, 'SECTION_NOT_FOUND'],
      [{ sectionId: c.sectionA.id, termId: unknown }, 'TERM_NOT_FOUND'],
    ] as const) {
      const refused = await request('owner', 'POST', batchUrl, payload);
      expect(refused.statusCode).toBe(404);
      expect(refused.json()).toMatchObject({ error: { code } });
    }
    expect(
      (await request('owner', 'POST', batchUrl, { sectionId: 'x', termId: autumn })).statusCode,
    ).toBe(400);
    expect(
      (await request('ines', 'POST', batchUrl, { sectionId: c.sectionA.id, termId: autumn }))
        .statusCode,
    ).toBe(403);
    expect((await request('ines', 'GET', `${batchUrl}/${row.id}`)).statusCode).toBe(403);
  });

  const queuedBatch = async (sectionId: string): Promise<string> => {
    const [row] = await inSchema<{ id: string }>(
      c.school,
      `INSERT INTO report_card_batches (section_id, term_id) VALUES ($1, $2) RETURNING id`,
      [sectionId, autumn],
    );
    return row.id;
  };

  it('builds a batch once when its job is delivered twice at once', async () => {
    const id = await queuedBatch(c.sectionA.id);
    const builder = t.app.get(ReportCardBatchBuilder);
    const outcomes = await Promise.all([
      builder.build(c.school.id, id),
      builder.build(c.school.id, id),
    ]);
    expect(outcomes.sort()).toEqual(['built', 'skipped']);
    expect(
      bodyOf<Record<string, unknown>>(await request('owner', 'GET', `${batchUrl}/${id}`), 200),
    ).toMatchObject({ status: 'ready', studentCount: 2 });
  });

  it('costs as many statements for a card of two subjects as for none, for one student or a section', async () => {
    const card = (term: string) => async () =>
      bodyOf(
        await request('owner', 'GET', `/api/students/${c.ids.ana}/report-card?termId=${term}`),
        200,
      );
    await card(autumn)(); // caches warm
    const full = await statementsSent(card(autumn), t.urls.apiRole);
    expect(await statementsSent(card(spring), t.urls.apiRole)).toBe(full);

    const builder = t.app.get(ReportCardBatchBuilder);
    const batchOf = (sectionId: string) => async () => {
      const id = await queuedBatch(sectionId);
      expect(await builder.build(c.school.id, id)).toBe('built');
    };
    const oneStudent = await statementsSent(batchOf(c.sectionB.id), t.urls.apiRole);
    expect(await statementsSent(batchOf(c.sectionA.id), t.urls.apiRole)).toBe(oneStudent);
  });

  it('marks a batch whose build fails as failed, with the reason', async () => {
    const [row] = await inSchema<{ id: string }>(
      c.school,
      `INSERT INTO report_card_batches (section_id, term_id) VALUES ($1, $2) RETURNING id`,
      [c.sectionB.id, autumn],
    );
    // Whatever throws in the build (here made to, by the card reads) fails the batch once.
    const builder = t.app.get(ReportCardBatchBuilder);
    const failing = jest
      .spyOn(builder['cards'], 'ofSection')
      .mockRejectedValueOnce(new Error('the printer caught fire'));
    try {
      expect(await builder.build(c.school.id, row.id)).toBe('failed');
    } finally {
      failing.mockRestore();
    }
    expect(
      bodyOf<Record<string, unknown>>(await request('owner', 'GET', `${batchUrl}/${row.id}`), 200),
    ).toMatchObject({ status: 'failed', error: 'the printer caught fire', studentCount: null });
    expect(await builder.build(c.school.id, row.id)).toBe('skipped');
  });
});

describe('another school', () => {
  it('sees none of it', async () => {
    const other = await registerSchool(t.app);
    const owner = await signIn(t.app, other.host, other.ownerUsername);
    const [batch] = await inSchema<{ id: string }>(
      c.school,
      `INSERT INTO report_card_batches (section_id, term_id, status, file, student_count)
       VALUES ($1, $2, 'ready', '%PDF-', 0) RETURNING id`,
      [c.sectionA.id, autumn],
    );
    for (const url of [
      `/api/students/${c.ids.ana}/report-card?termId=${autumn}`,
      `/api/students/${c.ids.ana}/report-card?termId=${autumn}&format=pdf`,
      `/api/exams/weightings/${autumn}`,
      `/api/exams/report-cards/batches/${batch.id}`,
      `/api/exams/report-cards/batches/${batch.id}/file`,
    ]) {
      expect((await call(other, owner, 'GET', url)).statusCode).toBe(404);
    }
    const put = await call(other, owner, 'PUT', `/api/exams/weightings/${autumn}`, {
      subjects: [{ subjectId: c.subject.id, courseworkPercent: 90 }],
    });
    expect(put.statusCode).toBe(404);
    const post = await call(other, owner, 'POST', '/api/exams/report-cards/batches', {
      sectionId: c.sectionA.id,
      termId: autumn,
    });
    expect(post.statusCode).toBe(404);
    const [weight] = await inSchema<{ coursework_percent: number }>(
      c.school,
      `SELECT coursework_percent FROM subject_weightings WHERE term_id = $1`,
      [autumn],
    );
    expect(weight.coursework_percent).toBe(40);
  });
});

describe('PDF generation time', () => {
  it('is measured per card', async () => {
    const card = bodyOf<import('@schoolyard/exams').ReportCardView>(
      await request('owner', 'GET', `/api/students/${c.ids.ana}/report-card?termId=${autumn}`),
      200,
    );
    const { renderReportCards } = await import('@schoolyard/exams');
    await renderReportCards([card]);
    const started = process.hrtime.bigint();
    const cards = 40;
    const file = await renderReportCards(Array.from({ length: cards }, () => card));
    const perCard = Number(process.hrtime.bigint() - started) / 1e6 / cards;
    const single = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) await renderReportCards([card]);
    const perFile = Number(process.hrtime.bigint() - single) / 1e6 / 20;
    process.stdout.write(
      `report card PDF: ${perCard.toFixed(2)} ms per card in a 40-card batch (${file.length} bytes), ${perFile.toFixed(2)} ms per single-card file\n`,
    );
    expect(perCard).toBeGreaterThan(0);
    expect(file.subarray(0, 5).toString()).toBe('%PDF-');
  });
});
