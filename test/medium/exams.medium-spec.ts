import { AcademicYearsService } from '@schoolyard/calendar';
import { selectRows } from '@schoolyard/common';
import {
  type CreatePaperDto,
  ExamsService,
  GradingScalesService,
  PapersService,
} from '@schoolyard/exams';
import { factories } from '../support/factories';
import { type MediumTier, type TestSchool, createMediumTier, refusal } from '../support/medium';

/**
 * The exam rules that rest on SQL and locks: a paper that runs past midnight, bands that trade
 * places in one replacement, two status steps at once, and a second school that reaches none of
 * a first school's exams.
 */
describe('Exam rules in a school transaction', () => {
  let tier: MediumTier;
  let school: TestSchool;
  let exams: ExamsService;
  let papers: PapersService;
  let scales: GradingScalesService;
  const ids: Record<string, string> = {};

  const paperOf = (fields: Partial<CreatePaperDto>): CreatePaperDto => ({
    subjectId: ids.subject,
    levelId: ids.level,
    sectionId: ids.section,
    sitsOn: '2030-03-04',
    startsAt: '09:00',
    durationMinutes: 60,
    maxMarks: 50,
    passMarks: 20,
    ...fields,
  });

  beforeAll(async () => {
    tier = await createMediumTier();
    school = await tier.provision();
    exams = tier.get(ExamsService);
    papers = tier.get(PapersService);
    scales = tier.get(GradingScalesService);
    const make = factories(tier);
    await tier.inSchool(school, async (manager) => {
      const section = await make.makeSection();
      ids.section = section.id;
      ids.level = section.level.id;
      const [term] = await selectRows<{ id: string }>(
        manager,
        `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                       VALUES ('2029-2030', '2029-07-01', '2030-06-30') RETURNING id)
         INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
         SELECT id, 'Spring', '2030-01-04', '2030-04-30' FROM year RETURNING id`,
      );
      ids.term = term.id;
      const subjects = await selectRows<{ id: string }>(
        manager,
        `INSERT INTO subjects (code, name, level_id)
         VALUES ('M-1', 'Maths', $1), ('S-1', 'Science', $1), ('E-1', 'English', $1)
         RETURNING id`,
        [ids.level],
      );
      [ids.subject, ids.science, ids.english] = subjects.map((row) => row.id);
      const exam = await exams.create({
        termId: ids.term,
        name: 'Spring exam',
        levelIds: [ids.level],
      });
      ids.exam = exam.id;
    });
  });

  afterAll(async () => {
    await tier?.close();
  });

  it('a paper running past midnight clashes with the next morning; one starting as it ends does not', async () => {
    const late = await tier.inSchool(school, () =>
      papers.create(
        ids.exam,
        paperOf({ sitsOn: '2030-03-04', startsAt: '23:00', durationMinutes: 120 }),
      ),
    );
    const error = await refusal(
      tier.inSchool(school, () =>
        papers.create(
          ids.exam,
          paperOf({ subjectId: ids.science, sitsOn: '2030-03-05', startsAt: '00:30' }),
        ),
      ),
    );
    expect(error).toMatchObject({
      code: 'EXAM_CLASH',
      details: { papers: [{ id: late.id, reason: 'section' }] },
    });
    const next = await tier.inSchool(school, () =>
      papers.create(
        ids.exam,
        paperOf({ subjectId: ids.english, sitsOn: '2030-03-05', startsAt: '01:00' }),
      ),
    );
    expect(next.startsAt).toBe('01:00');
  });

  it('bands may all move up one place in one replacement', async () => {
    const letters = ['E', 'D', 'C', 'B', 'A'];
    const made = await tier.inSchool(school, () =>
      scales.create({
        name: 'Five steps',
        bands: letters.map((letter, i) => ({ minPercent: i * 20, letter })),
      }),
    );
    // Each band takes the threshold and letter of the one above it; the top one comes to 0.
    const stored = [...made.bands].reverse(); // lowest first: E, D, C, B, A
    const moved = await tier.inSchool(school, () =>
      scales.replace(made.id, {
        name: made.name,
        bands: stored.map((band, i) => ({
          id: band.id,
          minPercent: ((i + 1) % 5) * 20,
          letter: letters[(i + 1) % 5],
        })),
      }),
    );
    expect(moved.bands.map((band) => [band.minPercent, band.letter])).toEqual([
      [80, 'A'],
      [60, 'B'],
      [40, 'C'],
      [20, 'D'],
      [0, 'E'],
    ]);
    expect(new Set(moved.bands.map((band) => band.id))).toEqual(
      new Set(made.bands.map((band) => band.id)),
    );
  });

  it('of two identical status steps at once, one is taken and the other refused', async () => {
    await tier.inSchool(school, () => exams.transition(ids.exam, 'schedule'));
    const outcomes = await Promise.allSettled([
      tier.inSchool(school, () => exams.transition(ids.exam, 'startMarking')),
      tier.inSchool(school, () => exams.transition(ids.exam, 'startMarking')),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({
      code: 'EXAM_STATUS',
      details: { status: 'marking', allowed: ['scheduled'] },
    });
  });

  it('a year deleted while an exam is being made in its term answers IN_USE, not a 500', async () => {
    const years = tier.get(AcademicYearsService);
    const [term] = await tier.inSchool(school, (manager) =>
      selectRows<{ id: string; yearId: string }>(
        manager,
        `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                       VALUES ('2031-2032', '2031-07-01', '2032-06-30') RETURNING id)
         INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
         SELECT id, 'Autumn', '2031-09-01', '2031-12-19' FROM year
         RETURNING id, academic_year_id AS "yearId"`,
      ),
    );
    let made!: () => void;
    let release!: () => void;
    const examMade = new Promise<void>((resolve) => (made = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The exam's transaction stays open, holding its term, while the year's deletion starts.
    const making = tier.inSchool(school, async () => {
      const exam = await exams.create({
        termId: term.id,
        name: 'Autumn exam',
        levelIds: [ids.level],
      });
      made();
      await gate;
      return exam;
    });
    await examMade;
    const deleting = refusal(tier.inSchool(school, () => years.remove(term.yearId)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await making;
    expect(await deleting).toMatchObject({ status: 409, code: 'IN_USE', details: { exams: 1 } });
  });

  it('another school reaches none of these exams, papers or scales', async () => {
    const other = await tier.provision();
    const [paper] = await tier.inSchool(school, (manager) =>
      selectRows<{ id: string }>(manager, 'SELECT id FROM exam_papers LIMIT 1'),
    );
    const scale = (await tier.inSchool(school, () => scales.list())).data.find(
      (row) => row.name === 'Five steps',
    )!;
    const reaches: Array<() => Promise<unknown>> = [
      () => exams.get(ids.exam),
      () => exams.remove(ids.exam),
      () => exams.transition(ids.exam, 'lock'),
      () => papers.get(paper.id),
      () => papers.remove(paper.id),
      () => scales.get(scale.id),
      () => scales.makeDefault(scale.id),
    ];
    for (const work of reaches) {
      const error = await refusal(tier.inSchool(other, work));
      expect(error.status).toBe(404);
    }
    const theirs = await tier.inSchool(other, () => exams.list({ page: 1, pageSize: 20 }));
    expect(theirs).toEqual({ data: [], meta: { page: 1, pageSize: 20, total: 0 } });
  });
});
