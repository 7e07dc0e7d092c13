import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { enterMarks, examTerm, examWithPapers, reopenExam } from './support/exam-fixtures';
import { inSchema } from './support/school-year';
import { createTestApp, type TestApp } from './support/test-app';

interface Written {
  profile_id: string;
  source_key: string;
  title: string;
  body: string;
  data: { examId: string; studentId: string };
  channels: string[];
}

/** The school's results notifications with the channels of their deliveries. */
const resultsNotifications = (c: Campus) =>
  inSchema<Written>(
    c.school,
    `SELECT n.profile_id, n.source_key, n.title, n.body, n.data,
            array(SELECT d.channel FROM notification_deliveries d
                   WHERE d.notification_id = n.id ORDER BY d.channel) AS channels
       FROM notifications n WHERE n.category = 'results' ORDER BY n.source_key, n.profile_id`,
  );

describe('published exam results notify the students and their guardians', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;
  let c: Campus;
  let other: Campus;
  let examId: string;
  let mathPaper: string;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    c = await campus(t);
    other = await campus(t);
    const termId = await examTerm(c.school);
    const exam = await examWithPapers(c.school, {
      termId,
      levelIds: [c.level.id],
      name: 'First terminal',
      papers: [{ subjectId: c.subject.id }],
    });
    examId = exam.examId;
    mathPaper = exam.paperIds[0];
    // Cleo has no mark yet: no result, so nobody hears of one for her.
    await enterMarks(c.school, [
      [mathPaper, c.ids.ana, 72],
      [mathPaper, c.ids.ben, 'absent'],
    ]);
  }, 120_000);

  afterAll(() => t?.close());

  it('notifies nobody when publishing is refused: anonymous 401, no permission 403, another school 404', async () => {
    const publish = `/api/exams/${examId}/publish`;
    expect((await call(c.school, null, 'POST', publish)).statusCode).toBe(401);
    expect((await call(c.school, c.as.ines, 'POST', publish)).statusCode).toBe(403);
    expect((await call(c.school, c.as.gwen, 'POST', publish)).statusCode).toBe(403);
    const elsewhere = await call(other.school, other.owner, 'POST', publish);
    expect(elsewhere.statusCode).toBe(404);
    expect(await resultsNotifications(c)).toEqual([]);
    expect(await resultsNotifications(other)).toEqual([]);
  });

  it('notifies each student with a result and their guardians once, by email too', async () => {
    bodyOf(await call(c.school, c.owner, 'POST', `/api/exams/${examId}/publish`), 200);
    const key = (student: string) => `results:${examId}:${student}`;
    const written = await resultsNotifications(c);
    expect(
      written.map(({ profile_id, source_key, channels }) => ({ profile_id, source_key, channels })),
    ).toEqual(
      [
        { profile_id: c.ids.ana, source_key: key(c.ids.ana), channels: ['email'] },
        { profile_id: c.ids.gwen, source_key: key(c.ids.ana), channels: ['email'] },
        { profile_id: c.ids.ben, source_key: key(c.ids.ben), channels: ['email'] },
      ].sort((x, y) =>
        x.source_key === y.source_key
          ? x.profile_id.localeCompare(y.profile_id)
          : x.source_key.localeCompare(y.source_key),
      ),
    );
    const gwens = written.find((row) => row.profile_id === c.ids.gwen)!;
    expect(gwens).toMatchObject({
      title: 'Results published: First terminal',
      body: 'The results of First terminal for Ana Pupil are published.',
      data: { examId, studentId: c.ids.ana },
    });
    expect(await resultsNotifications(other)).toEqual([]);
  });

  it('notifies no one twice: not on a refused second publication, nor on republication', async () => {
    const before = await resultsNotifications(c);
    expect((await call(c.school, c.owner, 'POST', `/api/exams/${examId}/publish`)).statusCode).toBe(
      409,
    );
    expect(await resultsNotifications(c)).toEqual(before);

    // Reopened, corrected and published again: only Cleo, new to the results, hears of it.
    await reopenExam(c.school, examId);
    await enterMarks(c.school, [
      [mathPaper, c.ids.ana, 75],
      [mathPaper, c.ids.cleo, 64],
    ]);
    bodyOf(await call(c.school, c.owner, 'POST', `/api/exams/${examId}/publish`), 200);
    const after = await resultsNotifications(c);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((row) => !before.some((old) => old.profile_id === row.profile_id))).toEqual(
      [
        expect.objectContaining({
          profile_id: c.ids.cleo,
          source_key: `results:${examId}:${c.ids.cleo}`,
        }),
      ],
    );
  });
});
