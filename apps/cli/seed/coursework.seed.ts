import { type Faker } from '@faker-js/faker';
import { CATALOGUE, SECTION_CAPACITY } from './catalogue';
import { type SeedCourseworkRepository } from './seed-coursework.repository';
import { type Ids } from './seed-rows';

/** How a seeded school teaches: its catalogue, classes, course content and hand-ins. */

const DAY = 86_400_000;

export interface CatalogueCounts {
  programs: number;
  levels: number;
  sections: number;
  subjects: number;
}

/** Programs, levels, enough sections for the students, and subjects: keyed, so re-runs add none. */
export async function addCatalogue(
  coursework: SeedCourseworkRepository,
  year: string,
  students: number,
): Promise<{ sections: Ids; created: CatalogueCounts }> {
  const levels = CATALOGUE.programs.flatMap((program) => program.levels);
  const perLevel = Math.max(1, Math.ceil(students / (levels.length * SECTION_CAPACITY * 0.9)));
  const programs = await coursework.insertCoded('programs', CATALOGUE.programs);
  const levelIds = await coursework.insertLevels(
    CATALOGUE.programs.flatMap((program) =>
      program.levels.map((name, position) => ({ code: program.code, name, position })),
    ),
  );
  const letters = Array.from({ length: perLevel }, (_, i) => String.fromCharCode(65 + i));
  const sectionIds = await coursework.insertSections(year, letters, SECTION_CAPACITY);
  const subjects = await coursework.insertCoded('subjects', CATALOGUE.subjects);
  return {
    sections: await coursework.sectionsOf(year),
    created: {
      programs: programs.length,
      levels: levelIds.length,
      sections: sectionIds.length,
      subjects: subjects.length,
    },
  };
}

/**
 * Per teaching assignment that has none yet: a published note and resource, an assignment
 * due last week, one due next week, and a draft the students cannot see.
 */
export async function publishContent(
  coursework: SeedCourseworkRepository,
  faker: Faker,
): Promise<Ids> {
  const teaching = await coursework.untaughtAssignments();
  const now = Date.now();
  const rows = teaching.flatMap((t) => {
    const topic = () => faker.helpers.arrayElement(CATALOGUE.topics);
    const base = { section: t.section_id, subject: t.subject_id, author: t.instructor_id };
    return [
      {
        ...base,
        kind: 'note',
        title: `${t.name}: notes on ${topic()}`,
        due: null,
        max: null,
        published: true,
      },
      {
        ...base,
        kind: 'resource',
        title: `${t.name}: reading list`,
        due: null,
        max: null,
        published: true,
      },
      {
        ...base,
        kind: 'assignment',
        title: `${t.name}: exercise on ${topic()}`,
        due: new Date(now - 7 * DAY),
        max: 20,
        published: true,
      },
      {
        ...base,
        kind: 'assignment',
        title: `${t.name}: project on ${topic()}`,
        due: new Date(now + 7 * DAY),
        max: 50,
        published: true,
      },
      {
        ...base,
        kind: 'assignment',
        title: `${t.name}: draft quiz`,
        due: new Date(now + 21 * DAY),
        max: 10,
        published: false,
      },
    ].map((row) => ({ ...row, body: faker.lorem.paragraphs({ min: 1, max: 3 }) }));
  });
  if (rows.length === 0) return [];
  return coursework.insertContents(rows);
}

/**
 * Hand-ins in every state, for the assignments this run published (so a re-run adds none):
 * most students of the section hand in (some late, a few twice), and the instructor has
 * graded or returned some of the past ones.
 */
export async function handIn(
  coursework: SeedCourseworkRepository,
  faker: Faker,
  contents: Ids,
): Promise<number> {
  if (contents.length === 0) return 0;
  const due = await coursework.dueHandIns(contents);
  const now = Date.now();
  const rows = due.flatMap((pair) => {
    const dueAt = new Date(pair.due_at).getTime();
    const past = dueAt < now;
    if (!faker.datatype.boolean({ probability: past ? 0.85 : 0.3 })) return [];
    const submittedAt = new Date(
      past
        ? dueAt + faker.number.int({ min: -5 * DAY, max: 2 * DAY })
        : now - faker.number.int({ min: 0, max: 3 * DAY }),
    );
    const max = Number(pair.max_points);
    const roll = faker.number.float();
    const status = !past
      ? 'submitted'
      : roll < 0.5
        ? 'graded'
        : roll < 0.65
          ? 'returned'
          : 'submitted';
    return [
      {
        content: pair.content_id,
        student: pair.student_id,
        submittedAt,
        late: submittedAt.getTime() > dueAt,
        attempts: faker.datatype.boolean({ probability: 0.1 }) ? 2 : 1,
        status,
        points: status === 'graded' ? faker.number.int({ min: Math.floor(max * 0.4), max }) : null,
        feedback: status === 'submitted' ? null : faker.helpers.arrayElement(CATALOGUE.feedback),
        grader: status === 'submitted' ? null : pair.author_id,
        body: faker.lorem.paragraph(),
      },
    ];
  });
  if (rows.length === 0) return 0;
  return (await coursework.insertSubmissions(rows)).length;
}
