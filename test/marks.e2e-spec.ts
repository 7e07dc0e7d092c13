import { randomUUID } from 'node:crypto';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { type ExamStatus, insertExam, setExamStatus } from './support/exams';
import { inSchema, schemaOf, shiftDate } from './support/school-year';
import { statementsSent } from './support/statements';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface MarkRow {
  studentId: string;
  marks: number | null;
  absent: boolean;
  entered: boolean;
  enteredBy: string | null;
  enteredAt: string | null;
}

interface Sheet {
  paperId: string;
  sectionId: string;
  maxMarks: number;
  examStatus: string;
  keepsHistory: boolean;
  marks: MarkRow[];
}

interface Change {
  studentId: string;
  oldMarks: number | null;
  oldAbsent: boolean | null;
  newMarks: number | null;
  newAbsent: boolean;
  reason: string;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: string;
}

interface ErrorBody {
  error: { code: string; details?: unknown };
}

/**
 * Marks through HTTP in one campus: MATH-7 is taught by Ines in 7A (Ana, Ben) and Otto in 7B
 * (Cleo); Otto also teaches SCI-7 in 7A and is its homeroom instructor, which gives him no
 * say over 7A's mathematics marks. Exams and papers are written with SQL (another part's
 * routes); a paper without a section is sat by 7A and 7B alike.
 */
describe('exam marks', () => {
  let t: TestApp;
  let c: Campus;
  let call: ReturnType<typeof caller>;

  /** A paper of MATH-7 (all Grade 7 unless `sectionId`) in a new exam of `status`. */
  const paper = async (
    status: ExamStatus = 'marking',
    options: { sectionId?: string; maxMarks?: number } = {},
  ) => {
    const exam = await insertExam(c.school, {
      status,
      levelIds: [c.level.id],
      papers: [
        {
          subjectId: c.subject.id,
          levelId: c.level.id,
          sectionId: options.sectionId,
          maxMarks: options.maxMarks ?? 50,
        },
      ],
    });
    return { examId: exam.examId, paperId: exam.paperIds[0], today: exam.today };
  };

  const put = (who: SignedIn, paperId: string, body: object) =>
    call(c.school, who, 'PUT', `/api/exams/papers/${paperId}/marks`, body);
  const sheet = (who: SignedIn, paperId: string, sectionId: string) =>
    call(c.school, who, 'GET', `/api/exams/papers/${paperId}/marks?sectionId=${sectionId}`);
  const history = (who: SignedIn, paperId: string, query = '') =>
    call(c.school, who, 'GET', `/api/exams/papers/${paperId}/marks/history${query}`);
  const reopen = (who: SignedIn, examId: string, body: object) =>
    call(c.school, who, 'POST', `/api/exams/${examId}/reopen`, body);

  const stored = (paperId: string) =>
    inSchema<{ student_id: string; marks: string | null; is_absent: boolean }>(
      c.school,
      'SELECT student_id, marks, is_absent FROM exam_marks WHERE paper_id = $1 ORDER BY student_id',
      [paperId],
    );
  const changes = (paperId: string) =>
    inSchema(c.school, 'SELECT * FROM exam_mark_changes WHERE paper_id = $1', [paperId]);
  const rowOf = (body: Sheet, studentId: string) =>
    body.marks.find((row) => row.studentId === studentId)!;
  const codeOf = (response: { json: () => unknown }) => (response.json() as ErrorBody).error.code;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    c = await campus(t);
    const science = bodyOf<{ id: string }>(
      await call(c.school, c.owner, 'POST', '/api/academics/subjects', {
        code: 'SCI-7',
        name: 'Science',
        levelId: c.level.id,
      }),
      201,
    );
    bodyOf(
      await call(c.school, c.owner, 'POST', `/api/academics/sections/${c.sectionA.id}/teaching`, {
        subjectId: science.id,
        instructorId: c.ids.otto,
      }),
      201,
    );
    await inSchema(c.school, 'UPDATE sections SET homeroom_instructor_id = $1 WHERE id = $2', [
      c.ids.otto,
      c.sectionA.id,
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps absent apart from zero, signs each entry and leaves students not sent alone', async () => {
    const { paperId } = await paper();
    const saved = bodyOf<Sheet>(
      await put(c.as.ines, paperId, {
        sectionId: c.sectionA.id,
        marks: [
          { studentId: c.ids.ana, marks: 0 },
          // As a client echoing a sheet row sends an absence.
          { studentId: c.ids.ben, marks: null, absent: true },
        ],
      }),
      200,
    );
    expect(saved).toMatchObject({ maxMarks: 50, examStatus: 'marking', keepsHistory: false });
    expect(rowOf(saved, c.ids.ana)).toMatchObject({
      marks: 0,
      absent: false,
      entered: true,
      enteredBy: c.ids.ines,
    });
    expect(rowOf(saved, c.ids.ben)).toMatchObject({
      marks: null,
      absent: true,
      entered: true,
      enteredBy: c.ids.ines,
    });
    expect(await stored(paperId)).toEqual(
      [
        { student_id: c.ids.ana, marks: '0.00', is_absent: false },
        { student_id: c.ids.ben, marks: null, is_absent: true },
      ].sort((a, b) => a.student_id.localeCompare(b.student_id)),
    );

    // Ana's mark changes; Ben, not sent, keeps his absence and who entered it when.
    const benBefore = rowOf(saved, c.ids.ben);
    bodyOf(
      await put(c.as.ines, paperId, {
        sectionId: c.sectionA.id,
        marks: [{ studentId: c.ids.ana, marks: 12.5 }],
      }),
      200,
    );
    const read = bodyOf<Sheet>(await sheet(c.as.ines, paperId, c.sectionA.id), 200);
    expect(read.marks.map((row) => row.studentId).sort()).toEqual([c.ids.ana, c.ids.ben].sort());
    expect(rowOf(read, c.ids.ana)).toMatchObject({ marks: 12.5, absent: false });
    expect(rowOf(read, c.ids.ben)).toEqual(benBefore);
    // Never published: nothing goes to the history.
    expect(await changes(paperId)).toHaveLength(0);

    // 7B sits the same paper; Cleo has nothing entered yet.
    const sevenB = bodyOf<Sheet>(await sheet(c.as.otto, paperId, c.sectionB.id), 200);
    expect(sevenB.marks).toEqual([
      expect.objectContaining({
        studentId: c.ids.cleo,
        marks: null,
        absent: false,
        entered: false,
        enteredBy: null,
      }),
    ]);
  });

  it.each([
    ['the subject teacher of another section', 'ines', 'sectionB', 'NOT_TEACHING_SUBJECT'],
    [
      "the section's homeroom who teaches it another subject",
      'otto',
      'sectionA',
      'NOT_TEACHING_SUBJECT',
    ],
    ['a student', 'ana', 'sectionA', 'FORBIDDEN'],
  ] as const)('refuses %s with 403 and writes nothing', async (_who, who, section, code) => {
    const { paperId } = await paper();
    const studentId = section === 'sectionA' ? c.ids.ana : c.ids.cleo;
    const response = await put(c.as[who], paperId, {
      sectionId: c[section].id,
      marks: [{ studentId, marks: 10 }],
    });
    expect(response.statusCode).toBe(403);
    expect(codeOf(response)).toBe(code);
    expect(await stored(paperId)).toEqual([]);
  });

  it.each([
    ['its subject teacher', 'ines', 'sectionA', 200],
    ['the subject teacher of another section', 'ines', 'sectionB', 404],
    ['the homeroom who teaches another subject', 'otto', 'sectionA', 404],
    ['the office (exams.manage)', 'owner', 'sectionB', 200],
  ] as const)("shows a section's marks to %s (%s, %s): %i", async (_who, who, section, status) => {
    const { paperId } = await paper();
    const as = who === 'owner' ? c.owner : c.as[who];
    const response = await sheet(as, paperId, c[section].id);
    expect(response.statusCode).toBe(status);
    if (status === 404) expect(codeOf(response)).toBe('SECTION_NOT_FOUND');
  });

  it.each([
    ['both a mark and absent', [{ marks: 10, absent: true }, { marks: 5 }], 'marks.0'],
    ['neither a mark nor absent', [{ marks: 10 }, {}], 'marks.1'],
    ['absent: false without a mark', [{ absent: false }, { marks: 5 }], 'marks.0'],
    ['a null mark without absent', [{ marks: 5 }, { marks: null }], 'marks.1'],
    ['a mark above the maximum', [{ marks: 10 }, { marks: 50.5 }], 'marks.1.marks'],
    ['three decimals', [{ marks: 10.125 }, { marks: 5 }], 'marks.0.marks'],
    ['a negative mark', [{ marks: 10 }, { marks: -1 }], 'marks.1.marks'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_what, entries, field) => {
    const { paperId } = await paper();
    const response = await put(c.as.ines, paperId, {
      sectionId: c.sectionA.id,
      marks: entries.map((entry, i) => ({ studentId: [c.ids.ana, c.ids.ben][i], ...entry })),
    });
    expect(response.statusCode).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
    expect(await stored(paperId)).toEqual([]);
  });

  it.each([
    ['a null entry', { marks: [null] }],
    ['an entry that is a number', { marks: [7] }],
    ['marks that are not a list', { marks: { studentId: 'x' } }],
    ['no entries', { marks: [] }],
    ['a student twice', { marks: 'twice' }],
    ['no section', { sectionId: undefined }],
    ['a mark given as text', { marks: [{ marks: '7' }] }],
  ])('refuses a body with %s (400)', async (_what, change) => {
    const { paperId } = await paper();
    const body: Record<string, unknown> = {
      sectionId: c.sectionA.id,
      marks: [{ studentId: c.ids.ana, marks: 1 }],
      ...change,
    };
    if (body.marks === 'twice') {
      body.marks = [
        { studentId: c.ids.ana, marks: 1 },
        { studentId: c.ids.ana, marks: 2 },
      ];
    } else if (Array.isArray(body.marks) && typeof body.marks[0] === 'object' && body.marks[0]) {
      body.marks = [{ studentId: c.ids.ana, ...(body.marks[0] as object) }];
    }
    const response = await put(c.as.ines, paperId, body);
    expect([response.statusCode, codeOf(response)]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await stored(paperId)).toEqual([]);
  });

  it('names the maximum when a mark is above it', async () => {
    const { paperId } = await paper('marking', { maxMarks: 20 });
    const response = await put(c.as.ines, paperId, {
      sectionId: c.sectionA.id,
      marks: [{ studentId: c.ids.ana, marks: 20.01 }],
    });
    expect(response.json<ErrorBody>().error.details).toEqual([
      { field: 'marks.0.marks', problems: [expect.stringContaining('20')], maximum: 20 },
    ]);
    // The maximum itself is a mark.
    bodyOf(
      await put(c.as.ines, paperId, {
        sectionId: c.sectionA.id,
        marks: [{ studentId: c.ids.ana, marks: 20 }],
      }),
      200,
    );
  });

  it('refuses students outside the section on the paper’s date with 409 naming them, all or nothing', async () => {
    const { paperId, today } = await paper();
    const stranger = randomUUID();
    const response = await put(c.owner, paperId, {
      sectionId: c.sectionA.id,
      marks: [
        { studentId: c.ids.ana, marks: 10 },
        { studentId: c.ids.cleo, marks: 10 },
        { studentId: stranger, absent: true },
      ],
    });
    expect(response.statusCode).toBe(409);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('STUDENTS_NOT_IN_SECTION');
    expect(body.error.details).toEqual({ studentIds: [c.ids.cleo, stranger].sort() });
    expect(await stored(paperId)).toEqual([]);

    // A student who joined 7A after the paper's day did not sit it there.
    const later = await paper();
    await inSchema(c.school, 'UPDATE exam_papers SET sits_on = $2 WHERE id = $1', [
      later.paperId,
      shiftDate(today, -1),
    ]);
    const refused = await put(c.owner, later.paperId, {
      sectionId: c.sectionA.id,
      marks: [{ studentId: c.ids.ana, marks: 10 }],
    });
    expect(refused.statusCode).toBe(409);
    expect(codeOf(refused)).toBe('STUDENTS_NOT_IN_SECTION');
  });

  it('refuses a section that does not sit the paper (409) and unknown papers and sections (404)', async () => {
    const { paperId } = await paper('marking', { sectionId: c.sectionB.id });
    const entry = [{ studentId: c.ids.ana, marks: 1 }];
    const notSitting = await put(c.owner, paperId, { sectionId: c.sectionA.id, marks: entry });
    expect(notSitting.statusCode).toBe(409);
    expect(codeOf(notSitting)).toBe('SECTION_NOT_SITTING');
    expect(codeOf(await sheet(c.owner, paperId, c.sectionA.id))).toBe('SECTION_NOT_SITTING');

    const noPaper = await put(c.owner, randomUUID(), { sectionId: c.sectionA.id, marks: entry });
    expect([noPaper.statusCode, codeOf(noPaper)]).toEqual([404, 'PAPER_NOT_FOUND']);
    const noSection = await put(c.owner, paperId, { sectionId: randomUUID(), marks: entry });
    expect([noSection.statusCode, codeOf(noSection)]).toEqual([404, 'SECTION_NOT_FOUND']);
    expect(await stored(paperId)).toEqual([]);
  });

  it.each([
    ['draft', 409, 'EXAM_STATUS'],
    ['published', 409, 'EXAM_PUBLISHED'],
    ['locked', 409, 'EXAM_PUBLISHED'],
    ['scheduled', 200, null],
    ['marking', 200, null],
  ] as const)('takes marks for a %s exam: %i', async (status, code, error) => {
    const { paperId } = await paper(status);
    const response = await put(c.as.ines, paperId, {
      sectionId: c.sectionA.id,
      marks: [{ studentId: c.ids.ana, marks: 10 }],
    });
    expect(response.statusCode).toBe(code);
    if (error) {
      expect(codeOf(response)).toBe(error);
      expect(await stored(paperId)).toEqual([]);
    } else {
      expect(await stored(paperId)).toHaveLength(1);
    }
  });

  it('reopens a published exam; every change after that needs a reason and is kept', async () => {
    const { examId, paperId } = await paper();
    const save = (marks: object[], reason?: string) =>
      put(c.as.ines, paperId, { sectionId: c.sectionA.id, marks, ...(reason ? { reason } : {}) });
    bodyOf(
      await save([
        { studentId: c.ids.ana, marks: 30 },
        { studentId: c.ids.ben, marks: 40 },
      ]),
      200,
    );
    await setExamStatus(c.school, examId, 'published');
    expect(codeOf(await save([{ studentId: c.ids.ana, marks: 35 }], 'Recounted'))).toBe(
      'EXAM_PUBLISHED',
    );

    // Reopening is the office's, with a reason.
    expect((await reopen(c.as.ines, examId, { reason: 'Recount' })).statusCode).toBe(403);
    expect((await reopen(c.owner, examId, {})).statusCode).toBe(400);
    expect((await reopen(c.owner, examId, { reason: '    ' })).statusCode).toBe(400);
    const reopened = bodyOf<Record<string, unknown>>(
      await reopen(c.owner, examId, { reason: 'Paper 1 recounted' }),
      200,
    );
    expect(reopened).toMatchObject({
      id: examId,
      status: 'marking',
      reopenReason: 'Paper 1 recounted',
    });
    expect(reopened.reopenedAt).toEqual(expect.any(String));
    expect(reopened.reopenedBy).toEqual(expect.any(String));
    const again = await reopen(c.owner, examId, { reason: 'Once more' });
    expect([again.statusCode, codeOf(again)]).toEqual([409, 'EXAM_STATUS']);

    // No reason: refused, nothing written.
    const unexplained = await save([{ studentId: c.ids.ana, marks: 35 }]);
    expect(unexplained.statusCode).toBe(400);
    expect(unexplained.json<ErrorBody>().error.details).toEqual([
      expect.objectContaining({ field: 'reason' }),
    ]);
    expect(await stored(paperId)).toContainEqual(
      expect.objectContaining({ student_id: c.ids.ana, marks: '30.00' }),
    );

    // With a reason: Ana's change is kept; Ben, sent unchanged, writes no history.
    const corrected = bodyOf<Sheet>(
      await save(
        [
          { studentId: c.ids.ana, marks: 35 },
          { studentId: c.ids.ben, marks: 40 },
        ],
        'Question 4 was not counted',
      ),
      200,
    );
    expect(corrected.keepsHistory).toBe(true);
    expect(rowOf(corrected, c.ids.ana).marks).toBe(35);
    const first = bodyOf<Change[]>(await history(c.as.ines, paperId), 200);
    expect(first).toEqual([
      expect.objectContaining({
        studentId: c.ids.ana,
        oldMarks: 30,
        oldAbsent: false,
        newMarks: 35,
        newAbsent: false,
        reason: 'Question 4 was not counted',
        changedBy: c.ids.ines,
        changedByName: 'Ines Teacher',
      }),
    ]);

    // An unchanged re-save writes no history.
    bodyOf(await save([{ studentId: c.ids.ana, marks: 35 }], 'Saved again'), 200);
    expect(await changes(paperId)).toHaveLength(1);

    // Marked absent after all: kept too, newest first.
    bodyOf(await save([{ studentId: c.ids.ana, absent: true }], 'She was not there'), 200);
    const second = bodyOf<Change[]>(
      await history(c.owner, paperId, `?studentId=${c.ids.ana}`),
      200,
    );
    expect(second.map((change) => [change.oldMarks, change.newMarks, change.newAbsent])).toEqual([
      [35, null, true],
      [30, 35, false],
    ]);
    expect(
      bodyOf<Change[]>(await history(c.owner, paperId, `?studentId=${c.ids.ben}`), 200),
    ).toEqual([]);
    // Otto teaches this level-wide paper's subject in 7B only: none of 7A's changes.
    expect(bodyOf<Change[]>(await history(c.as.otto, paperId), 200)).toEqual([]);

    // Locked is final.
    await setExamStatus(c.school, examId, 'locked');
    const locked = await reopen(c.owner, examId, { reason: 'Too late' });
    expect([locked.statusCode, codeOf(locked)]).toEqual([409, 'EXAM_LOCKED']);
  });

  it("shows a paper's history only to the office and its instructors", async () => {
    const { paperId } = await paper('marking', { sectionId: c.sectionA.id });
    bodyOf(await history(c.as.ines, paperId), 200);
    for (const [who, status] of [
      [c.as.otto, 404],
      [c.as.ana, 403],
    ] as const) {
      expect((await history(who, paperId)).statusCode).toBe(status);
    }
    expect((await history(c.owner, randomUUID())).statusCode).toBe(404);
  });

  it('runs two saves of one paper one after the other: each change starts from the last', async () => {
    const { examId, paperId } = await paper();
    bodyOf(
      await put(c.owner, paperId, {
        sectionId: c.sectionA.id,
        marks: [{ studentId: c.ids.ana, marks: 10 }],
      }),
      200,
    );
    await setExamStatus(c.school, examId, 'published');
    bodyOf(await reopen(c.owner, examId, { reason: 'Corrections' }), 200);
    const saving = (marks: number, who: SignedIn) =>
      put(who, paperId, {
        sectionId: c.sectionA.id,
        reason: `Now ${marks}`,
        marks: [{ studentId: c.ids.ana, marks }],
      });
    // Both saves are sent while another transaction holds the paper: neither may answer
    // before it lets go, and then one runs after the other.
    let answered = 0;
    const answers = await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('search_path', $1, true)`, [`"${schemaOf(c.school)}"`]);
      await db.query('SELECT id FROM exam_papers WHERE id = $1 FOR UPDATE', [paperId]);
      const both = Promise.all(
        [saving(20, c.owner), saving(30, c.as.ines)].map((save) =>
          save.then((answer) => {
            answered += 1;
            return answer;
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBe(0);
      await db.query('COMMIT');
      return both;
    });
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200]);

    const kept = bodyOf<Change[]>(await history(c.owner, paperId), 200).reverse();
    expect(kept).toHaveLength(2);
    expect(kept[0].oldMarks).toBe(10);
    expect(kept[1].oldMarks).toBe(kept[0].newMarks);
    const [ana] = (await stored(paperId)).filter((row) => row.student_id === c.ids.ana);
    expect(Number(ana.marks)).toBe(kept[1].newMarks);
  });

  it('waits for a publication under way and then refuses the save', async () => {
    const { examId, paperId } = await paper();
    // Publishing (another part's route) changes the exam's row in its own transaction.
    const response = await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      await db.query(`SELECT set_config('search_path', $1, true)`, [`"${schemaOf(c.school)}"`]);
      await db.query(`UPDATE exams SET status = 'published', published_at = now() WHERE id = $1`, [
        examId,
      ]);
      let answered = false;
      const saving = put(c.as.ines, paperId, {
        sectionId: c.sectionA.id,
        marks: [{ studentId: c.ids.ana, marks: 10 }],
      }).then((answer) => {
        answered = true;
        return answer;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBe(false);
      await db.query('COMMIT');
      return saving;
    });
    expect([response.statusCode, codeOf(response)]).toEqual([409, 'EXAM_PUBLISHED']);
    expect(await stored(paperId)).toEqual([]);
  });

  it('saves 40 students in as many statements as 5', async () => {
    const { paperId, today } = await paper('marking', { maxMarks: 100 });
    const section = async (name: string, size: number) => {
      const rows = await inSchema<{ section_id: string; student_id: string }>(
        c.school,
        `WITH y AS (SELECT id FROM academic_years WHERE name = 'Exam year'),
              sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                      SELECT $1, y.id, $2, 100 FROM y RETURNING id),
              p AS (INSERT INTO profiles (kind, first_name, last_name)
                    SELECT 'student', 'Bulk', $2 || '-' || n FROM generate_series(1, $3::int) n
                    RETURNING id),
              s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                    SELECT id, $2 || '-' || row_number() OVER (), current_date FROM p
                    RETURNING profile_id)
         INSERT INTO section_students (section_id, student_id, joined_on)
         SELECT sec.id, s.profile_id, $4 FROM sec, s RETURNING section_id, student_id`,
        [c.level.id, name, size, shiftDate(today, -10)],
      );
      return { sectionId: rows[0].section_id, studentIds: rows.map((row) => row.student_id) };
    };
    const [five, forty] = [await section('7F', 5), await section('7X', 40)];
    let round = 0;
    const saving = (of: { sectionId: string; studentIds: string[] }) => async () => {
      round += 1;
      const body = bodyOf<Sheet>(
        await put(c.owner, paperId, {
          sectionId: of.sectionId,
          marks: of.studentIds.map((studentId, i) =>
            i % 5 === 0 ? { studentId, absent: true } : { studentId, marks: (i + round) % 100 },
          ),
        }),
        200,
      );
      expect(body.marks).toHaveLength(of.studentIds.length);
    };
    await saving(five)(); // caches warm
    const savedFive = await statementsSent(saving(five), t.urls.apiRole);
    const savedForty = await statementsSent(saving(forty), t.urls.apiRole);
    expect(savedForty).toBe(savedFive);
    // opening, the locked paper with its membership check, the save, the sheet, COMMIT
    expect(savedFive).toBeLessThanOrEqual(5);
  });

  describe('another school', () => {
    let other: RegisteredSchool;
    let otherOwner: SignedIn;

    beforeAll(async () => {
      other = await registerSchool(t.app);
      otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    });

    it('sees and touches none of it', async () => {
      const { examId, paperId } = await paper();
      bodyOf(
        await put(c.owner, paperId, {
          sectionId: c.sectionA.id,
          marks: [{ studentId: c.ids.ana, marks: 25 }],
        }),
        200,
      );
      const at = (method: 'GET' | 'PUT' | 'POST', url: string, body?: object) =>
        call(other, otherOwner, method, url, body);
      const refusals = [
        [
          await at('GET', `/api/exams/papers/${paperId}/marks?sectionId=${c.sectionA.id}`),
          'PAPER_NOT_FOUND',
        ],
        [await at('GET', `/api/exams/papers/${paperId}/marks/history`), 'PAPER_NOT_FOUND'],
        [
          await at('PUT', `/api/exams/papers/${paperId}/marks`, {
            sectionId: c.sectionA.id,
            marks: [{ studentId: c.ids.ana, marks: 1 }],
          }),
          'PAPER_NOT_FOUND',
        ],
        [await at('POST', `/api/exams/${examId}/reopen`, { reason: 'Not ours' }), 'EXAM_NOT_FOUND'],
      ] as const;
      for (const [response, code] of refusals) {
        expect([response.statusCode, codeOf(response)]).toEqual([404, code]);
      }
      expect(await stored(paperId)).toEqual([
        { student_id: c.ids.ana, marks: '25.00', is_absent: false },
      ]);
    });
  });
});
