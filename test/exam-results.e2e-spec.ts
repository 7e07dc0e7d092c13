import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import {
  bulkSection,
  enterMarks,
  examSubjects,
  examTerm,
  examWithPapers,
  reopenExam,
} from './support/exam-fixtures';
import { type CampusMember, campusIds, withIds } from './support/refusals';
import { inSchema } from './support/school-year';
import { statementsSent } from './support/statements';
import { createTestApp, type TestApp } from './support/test-app';

interface Grade {
  letter: string;
  gradePoint: number | null;
  remark: string | null;
}
interface SubjectResult {
  subject: { id: string; code: string };
  marks: number | null;
  absent: boolean;
  percentage: number | null;
  grade: Grade | null;
  passed: boolean;
}
interface StudentResult {
  studentId: string;
  sectionRank: number;
  total: number;
  maxTotal: number;
  percentage: number;
  grade: Grade | null;
  passed: boolean;
  papersAbsent: number;
  subjects: SubjectResult[];
}
interface SectionResults {
  status: string;
  section: { id: string; name: string };
  students: StudentResult[];
  summary: {
    students: number;
    meanPercentage: number | null;
    medianPercentage: number | null;
    passed: number;
    passRate: number | null;
    grades: Array<{ letter: string; count: number }>;
    topBySubject: Array<{
      subject: { code: string };
      percentage: number;
      students: Array<{ studentId: string }>;
    }>;
  };
}
interface OwnResults {
  studentId: string;
  exams: Array<{
    exam: { id: string; status: string; termId: string };
    section: { id: string };
    sectionSize: number;
    result: StudentResult;
  }>;
}

/** A student written into a section with SQL (the campus's 7A holds two by capacity). */
async function addStudent(c: Campus, sectionId: string, firstName: string): Promise<string> {
  const [row] = await inSchema<{ id: string }>(
    c.school,
    `WITH p AS (INSERT INTO profiles (kind, first_name, last_name)
                VALUES ('student', $2, 'Pupil') RETURNING id),
          s AS (INSERT INTO students (profile_id, admission_number, admission_date)
                SELECT id, 'X-' || $2, current_date FROM p RETURNING profile_id)
     INSERT INTO section_students (section_id, student_id, joined_on)
     SELECT $1, profile_id, DATE '2025-07-01' FROM s RETURNING student_id AS id`,
    [sectionId, firstName],
  );
  return row.id;
}

describe('exam results: publishing, section results, own results', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;
  let c: Campus;
  let other: Campus;
  let ids: Record<string, string>;

  /**
   * 7A: Ana and Ben tie at 80 % (rank 1, 1), Dev was absent from mathematics (45 %, rank 3),
   * Zed scored 0 in mathematics (20 %, rank 4). 7B: Cleo at 50 %. Both papers out of 100, pass 40.
   */
  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    c = await campus(t);
    other = await campus(t);
    const termId = await examTerm(c.school);
    const [science] = await examSubjects(c.school, c.level.id, 1, 'SCI');
    const dev = await addStudent(c, c.sectionA.id, 'Dev');
    const zed = await addStudent(c, c.sectionA.id, 'Zed');
    const exam = await examWithPapers(c.school, {
      termId,
      levelIds: [c.level.id],
      papers: [{ subjectId: c.subject.id }, { subjectId: science }],
    });
    const draft = await examWithPapers(c.school, {
      termId,
      levelIds: [c.level.id],
      name: 'Still a draft',
      status: 'draft',
      papers: [],
    });
    const [math, sci] = exam.paperIds;
    const { ana, ben, cleo } = c.ids;
    await enterMarks(c.school, [
      [math, ana, 70],
      [sci, ana, 90],
      [math, ben, 90],
      [sci, ben, 70],
      [math, dev, 'absent'],
      [sci, dev, 90],
      [math, zed, 0],
      [sci, zed, 40],
      [math, cleo, 50],
      [sci, cleo, 50],
    ]);
    ids = {
      ...campusIds(c),
      exam: exam.examId,
      draft: draft.examId,
      term: termId,
      dev,
      zed,
      math,
      sci,
    };
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (who: CampusMember, campusOf = c) =>
    who === 'owner' ? campusOf.owner : campusOf.as[who];
  const results = (who: CampusMember, sectionId: string) =>
    call(c.school, as(who), 'GET', `/api/exams/${ids.exam}/results?sectionId=${sectionId}`);
  const mine = (who: CampusMember) => call(c.school, as(who), 'GET', '/api/exams/my-results');
  const childs = (who: CampusMember, studentId: string) =>
    call(c.school, as(who), 'GET', `/api/guardians/my-children/${studentId}/exam-results`);

  it('hides everything before publication: 409 for the section, nothing for the family', async () => {
    expect((await results('owner', c.sectionA.id)).json().error).toMatchObject({
      code: 'RESULTS_NOT_PUBLISHED',
      details: { status: 'marking' },
    });
    expect(bodyOf<OwnResults>(await mine('ana'), 200)).toEqual({
      studentId: c.ids.ana,
      exams: [],
    });
    expect(bodyOf<OwnResults>(await childs('gwen', c.ids.ana), 200).exams).toEqual([]);
  });

  it.each<[CampusMember, string, number, string]>([
    ['ines', '/api/exams/{exam}/publish', 403, 'FORBIDDEN'],
    ['ana', '/api/exams/{exam}/publish', 403, 'FORBIDDEN'],
    ['owner', '/api/exams/{draft}/publish', 409, 'EXAM_STATUS'],
    ['owner', '/api/exams/{unknown}/publish', 404, 'EXAM_NOT_FOUND'],
    ['owner', '/api/exams/not-a-uuid/publish', 400, 'VALIDATION_FAILED'],
  ])('refuses %s publishing %s: %i %s', async (who, url, status, code) => {
    const response = await call(c.school, as(who), 'POST', withIds(url, ids));
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('publishes every student of the exam in one pass, then refuses to publish it twice', async () => {
    const summary = bodyOf<Record<string, unknown>>(
      await call(c.school, c.owner, 'POST', `/api/exams/${ids.exam}/publish`),
      200,
    );
    expect(summary).toMatchObject({
      examId: ids.exam,
      status: 'published',
      students: 5,
      sections: 2,
      subjectResults: 10,
      studentsWithoutSection: 0,
    });
    expect(typeof summary.durationMs).toBe('number');
    const [exam] = await inSchema<{ status: string; published_by: string | null }>(
      c.school,
      'SELECT status, published_by FROM exams WHERE id = $1',
      [ids.exam],
    );
    expect(exam.status).toBe('published');
    expect(exam.published_by).not.toBeNull();

    const again = await call(c.school, c.owner, 'POST', `/api/exams/${ids.exam}/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: 'EXAM_STATUS',
      details: { status: 'published' },
    });
  });

  it('ranks the section with ties sharing a rank, and tells an absence from a zero', async () => {
    const body = bodyOf<SectionResults>(await results('owner', c.sectionA.id), 200);
    expect(body.section).toEqual({ id: c.sectionA.id, name: '7A' });
    const ranked = body.students.map((s) => [s.studentId, s.sectionRank, s.percentage]);
    expect(ranked.slice(0, 2)).toEqual(
      expect.arrayContaining([
        [c.ids.ana, 1, 80],
        [c.ids.ben, 1, 80],
      ]),
    );
    expect(ranked.slice(2)).toEqual([
      [ids.dev, 3, 45],
      [ids.zed, 4, 20],
    ]);
    const byId = Object.fromEntries(body.students.map((s) => [s.studentId, s]));
    expect(byId[c.ids.ana]).toMatchObject({
      total: 160,
      maxTotal: 200,
      grade: { letter: 'A', gradePoint: 3.6, remark: 'Excellent' },
      passed: true,
      papersAbsent: 0,
    });

    const dev = byId[ids.dev];
    expect(dev).toMatchObject({ total: 90, maxTotal: 200, passed: false, papersAbsent: 1 });
    expect(dev.grade?.letter).toBe('C');
    const devMath = dev.subjects.find((s) => s.subject.id === c.subject.id)!;
    expect(devMath).toMatchObject({
      marks: null,
      absent: true,
      percentage: null,
      grade: null,
      passed: false,
    });

    const zed = byId[ids.zed];
    expect(zed).toMatchObject({ total: 40, passed: false, papersAbsent: 0 });
    expect(zed.grade?.letter).toBe('NG');
    const zedPapers = Object.fromEntries(zed.subjects.map((s) => [s.subject.code, s]));
    expect(zedPapers['MATH-7']).toMatchObject({
      marks: 0,
      absent: false,
      percentage: 0,
      passed: false,
    });
    expect(zedPapers['MATH-7'].grade?.letter).toBe('NG');
    // Exactly the pass marks is a pass.
    expect(zedPapers['SCI-1']).toMatchObject({ marks: 40, percentage: 40, passed: true });
  });

  it("summarises the class: mean, median, pass rate, every band, each subject's best", async () => {
    const { summary } = bodyOf<SectionResults>(await results('owner', c.sectionA.id), 200);
    expect(summary).toMatchObject({
      students: 4,
      meanPercentage: 56.25,
      medianPercentage: 62.5,
      passed: 2,
      passRate: 0.5,
    });
    expect(summary.grades).toEqual([
      { letter: 'A+', minPercent: 90, count: 0 },
      { letter: 'A', minPercent: 80, count: 2 },
      { letter: 'B+', minPercent: 70, count: 0 },
      { letter: 'B', minPercent: 60, count: 0 },
      { letter: 'C+', minPercent: 50, count: 0 },
      { letter: 'C', minPercent: 40, count: 1 },
      { letter: 'D', minPercent: 35, count: 0 },
      { letter: 'NG', minPercent: 0, count: 1 },
    ]);
    const top = Object.fromEntries(summary.topBySubject.map((s) => [s.subject.code, s]));
    expect(top['MATH-7'].students.map((s) => s.studentId)).toEqual([c.ids.ben]);
    expect(top['SCI-1'].percentage).toBe(90);
    expect(top['SCI-1'].students.map((s) => s.studentId).sort()).toEqual(
      [c.ids.ana, ids.dev].sort(),
    );
  });

  it.each<[CampusMember, string, number, string | null]>([
    ['ines', 'sectionA', 200, null],
    ['ines', 'sectionB', 404, 'SECTION_NOT_FOUND'],
    ['otto', 'sectionB', 200, null],
    ['otto', 'sectionA', 404, 'SECTION_NOT_FOUND'],
    ['owner', 'unknown', 404, 'SECTION_NOT_FOUND'],
    ['ana', 'sectionA', 403, 'FORBIDDEN'],
    ['gwen', 'sectionA', 403, 'FORBIDDEN'],
  ])('lets %s read %s: %i', async (who, section, status, code) => {
    const response = await results(who, ids[section]);
    expect(response.statusCode).toBe(status);
    if (code) expect(response.json().error.code).toBe(code);
    else expect(response.json<SectionResults>().students.length).toBeGreaterThan(0);
  });

  it('lets a student read only their own results, and a term filter narrow them', async () => {
    const ana = bodyOf<OwnResults>(await mine('ana'), 200);
    expect(ana.studentId).toBe(c.ids.ana);
    expect(ana.exams).toHaveLength(1);
    expect(ana.exams[0]).toMatchObject({
      exam: { id: ids.exam, status: 'published', termId: ids.term },
      section: { id: c.sectionA.id },
      sectionSize: 4,
      result: { studentId: c.ids.ana, sectionRank: 1, percentage: 80 },
    });
    const cleo = bodyOf<OwnResults>(await mine('cleo'), 200);
    expect(cleo.exams.map((e) => e.result.studentId)).toEqual([c.ids.cleo]);

    const otherTerm = await examTerm(c.school, '2025-2026', 'Term 2');
    const filtered = await call(
      c.school,
      c.as.ana,
      'GET',
      `/api/exams/my-results?termId=${otherTerm}`,
    );
    expect(bodyOf<OwnResults>(filtered, 200).exams).toEqual([]);
    const sameTerm = await call(
      c.school,
      c.as.ana,
      'GET',
      `/api/exams/my-results?termId=${ids.term}`,
    );
    expect(bodyOf<OwnResults>(sameTerm, 200).exams).toHaveLength(1);
    const bad = await call(c.school, c.as.ana, 'GET', '/api/exams/my-results?termId=soon');
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    // A staff member has no student profile here.
    expect((await mine('ines')).json().error.code).toBe('STUDENT_NOT_FOUND');
  });

  it.each<[CampusMember, string, number]>([
    ['gwen', 'ana', 200],
    ['gwen', 'cleo', 404],
    ['gwen', 'unknown', 404],
    ['ana', 'ana', 404],
    ['ines', 'ana', 404],
  ])("lets %s read %s's results as a guardian: %i", async (who, child, status) => {
    const response = await childs(who, ids[child]);
    expect(response.statusCode).toBe(status);
    if (status === 200) {
      expect(response.json<OwnResults>().exams[0].result.studentId).toBe(ids[child]);
    } else {
      expect(response.json().error.code).toBe('STUDENT_NOT_FOUND');
    }
  });

  it('shows another school nothing: not the exam, not its results, not a child', async () => {
    const asOther = (method: 'GET' | 'POST', url: string) =>
      call(other.school, other.owner, method, url);
    expect((await asOther('POST', `/api/exams/${ids.exam}/publish`)).json().error.code).toBe(
      'EXAM_NOT_FOUND',
    );
    expect(
      (await asOther('GET', `/api/exams/${ids.exam}/results?sectionId=${c.sectionA.id}`)).json()
        .error.code,
    ).toBe('EXAM_NOT_FOUND');
    const child = await call(
      other.school,
      other.as.gwen,
      'GET',
      `/api/guardians/my-children/${c.ids.ana}/exam-results`,
    );
    expect(child.json().error.code).toBe('STUDENT_NOT_FOUND');
    expect(
      bodyOf<OwnResults>(
        await call(other.school, other.as.ana, 'GET', '/api/exams/my-results'),
        200,
      ).exams,
    ).toEqual([]);
    // The first school's bearer at the other school's address is refused before any data.
    const crossed = await call(other.school, c.as.ana, 'GET', '/api/exams/my-results');
    expect(crossed.statusCode).toBe(401);
  });

  it('hides results again while reopened, and republishes them from the corrected marks', async () => {
    await reopenExam(c.school, ids.exam);
    expect((await results('owner', c.sectionA.id)).json().error.code).toBe('RESULTS_NOT_PUBLISHED');
    expect(bodyOf<OwnResults>(await mine('ana'), 200).exams).toEqual([]);
    expect(bodyOf<OwnResults>(await childs('gwen', c.ids.ana), 200).exams).toEqual([]);

    // Dev sat mathematics after all (75); Zed's paper is withdrawn (no row: not counted).
    await enterMarks(c.school, [[ids.math, ids.dev, 75]]);
    await inSchema(c.school, 'DELETE FROM exam_marks WHERE paper_id = $1 AND student_id = $2', [
      ids.sci,
      ids.zed,
    ]);
    bodyOf(await call(c.school, c.owner, 'POST', `/api/exams/${ids.exam}/publish`), 200);
    const body = bodyOf<SectionResults>(await results('owner', c.sectionA.id), 200);
    const byId = Object.fromEntries(body.students.map((s) => [s.studentId, s]));
    expect(byId[ids.dev]).toMatchObject({
      sectionRank: 1,
      total: 165,
      percentage: 82.5,
      passed: true,
      papersAbsent: 0,
    });
    expect(byId[c.ids.ana].sectionRank).toBe(2);
    expect(byId[ids.zed]).toMatchObject({ total: 0, maxTotal: 100, percentage: 0, sectionRank: 4 });
    expect(byId[ids.zed].subjects).toHaveLength(1);
    const [rows] = await inSchema<{ results: number; papers: number }>(
      c.school,
      `SELECT (SELECT count(*)::int FROM exam_results WHERE exam_id = $1) AS results,
              (SELECT count(*)::int FROM exam_subject_results WHERE exam_id = $1) AS papers`,
      [ids.exam],
    );
    expect(rows).toEqual({ results: 5, papers: 9 });
    expect(bodyOf<OwnResults>(await mine('ana'), 200).exams).toHaveLength(1);
  });

  it("grades with the exam's own scale, and publishes once when two publish at the same moment", async () => {
    const [scale] = await inSchema<{ id: string }>(
      c.school,
      `WITH s AS (INSERT INTO grading_scales (name) VALUES ('Pass or fail') RETURNING id),
            b AS (INSERT INTO grading_bands (scale_id, min_percent, letter)
                  SELECT s.id, v.min, v.letter FROM s, (VALUES (50, 'P'), (0, 'F')) v (min, letter))
       SELECT id FROM s`,
    );
    const exam = await examWithPapers(c.school, {
      termId: ids.term,
      levelIds: [c.level.id],
      name: 'Pass or fail test',
      scaleId: scale.id,
      papers: [{ subjectId: c.subject.id }],
    });
    await enterMarks(c.school, [
      [exam.paperIds[0], c.ids.ana, 50],
      [exam.paperIds[0], c.ids.ben, 49.5],
    ]);
    const url = `/api/exams/${exam.examId}/publish`;
    const answers = await Promise.all([
      call(c.school, c.owner, 'POST', url),
      call(c.school, c.owner, 'POST', url),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)!.json().error.code).toBe(
      'EXAM_STATUS',
    );
    const body = bodyOf<SectionResults>(
      await call(
        c.school,
        c.owner,
        'GET',
        `/api/exams/${exam.examId}/results?sectionId=${c.sectionA.id}`,
      ),
      200,
    );
    expect(body.students.map((s) => [s.studentId, s.grade?.letter, s.sectionRank])).toEqual([
      [c.ids.ana, 'P', 1],
      [c.ids.ben, 'F', 2],
    ]);
    expect(body.summary.grades).toEqual([
      { letter: 'P', minPercent: 50, count: 1 },
      { letter: 'F', minPercent: 0, count: 1 },
    ]);
  });

  it('publishes 40 students × 8 papers in as many statements as 5 × 8', async () => {
    const subjects = await examSubjects(c.school, c.level.id, 8, 'BULK');
    const termId = await examTerm(c.school, '2025-2026', 'Bulk term');
    const publishing = async (name: string, size: number) => {
      const section = await bulkSection(c.school, c.level.id, name, size);
      const exam = await examWithPapers(c.school, {
        termId,
        levelIds: [c.level.id],
        name,
        papers: subjects.map((subjectId) => ({ subjectId, sectionId: section.sectionId })),
      });
      await enterMarks(
        c.school,
        exam.paperIds.flatMap((paperId, p) =>
          section.studentIds.map((studentId, s): [string, string, number | 'absent'] => [
            paperId,
            studentId,
            (s + p) % 9 === 0 ? 'absent' : (s * 7 + p * 13) % 101,
          ]),
        ),
      );
      return async () => {
        const summary = bodyOf<{ students: number; sections: number }>(
          await call(c.school, c.owner, 'POST', `/api/exams/${exam.examId}/publish`),
          200,
        );
        expect(summary).toMatchObject({ students: size, sections: 1 });
        await reopenExam(c.school, exam.examId); // as the owner: not counted
      };
    };
    const five = await publishing('Five', 5);
    const forty = await publishing('Forty', 40);
    await five(); // caches warm
    const fiveStatements = await statementsSent(five, t.urls.apiRole);
    const fortyStatements = await statementsSent(forty, t.urls.apiRole);
    expect(fortyStatements).toBe(fiveStatements);
    // opening + lock, clear, compute, notify the students and guardians, closing
    expect(fiveStatements).toBeLessThanOrEqual(6);
  });
});
