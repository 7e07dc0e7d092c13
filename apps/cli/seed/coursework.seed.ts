import { type Faker } from '@faker-js/faker';
import { type EntityManager } from 'typeorm';
import { CATALOGUE, SECTION_CAPACITY } from './catalogue';
import { ids, type Ids } from './seed-rows';

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
  manager: EntityManager,
  year: string,
  students: number,
): Promise<{ sections: Ids; created: CatalogueCounts }> {
  const levels = CATALOGUE.programs.flatMap((program) => program.levels);
  const perLevel = Math.max(1, Math.ceil(students / (levels.length * SECTION_CAPACITY * 0.9)));
  const programs: Ids = await ids(
    manager,
    `INSERT INTO programs (code, name)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING id`,
    [CATALOGUE.programs.map((p) => p.code), CATALOGUE.programs.map((p) => p.name)],
  );
  const levelRows = CATALOGUE.programs.flatMap((program) =>
    program.levels.map((name, position) => ({ code: program.code, name, position })),
  );
  const levelIds: Ids = await ids(
    manager,
    `INSERT INTO academic_levels (program_id, name, position)
     SELECT p.id, l.name, l.position
       FROM unnest($1::text[], $2::text[], $3::int[]) AS l (code, name, position)
       JOIN programs p ON lower(p.code) = lower(l.code)
     ON CONFLICT DO NOTHING RETURNING id`,
    [levelRows.map((l) => l.code), levelRows.map((l) => l.name), levelRows.map((l) => l.position)],
  );
  const letters = Array.from({ length: perLevel }, (_, i) => String.fromCharCode(65 + i));
  const sectionIds: Ids = await ids(
    manager,
    `INSERT INTO sections (level_id, academic_year, name, capacity)
     SELECT l.id, $1, s.name, $3 FROM academic_levels l, unnest($2::text[]) AS s (name)
     ON CONFLICT DO NOTHING RETURNING id`,
    [year, letters, SECTION_CAPACITY],
  );
  const subjects: Ids = await ids(
    manager,
    `INSERT INTO subjects (code, name)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING RETURNING id`,
    [CATALOGUE.subjects.map((s) => s.code), CATALOGUE.subjects.map((s) => s.name)],
  );
  return {
    sections: await ids(manager, `SELECT id FROM sections WHERE academic_year = $1`, [year]),
    created: {
      programs: programs.length,
      levels: levelIds.length,
      sections: sectionIds.length,
      subjects: subjects.length,
    },
  };
}

/** Students without a section this year fill the emptiest sections first, within capacity. */
export async function enrol(manager: EntityManager, sections: Ids): Promise<number> {
  const rows = await manager.query(
    `WITH free AS (
       SELECT s.id, s.capacity - count(ss.student_id) AS room
         FROM sections s LEFT JOIN section_students ss ON ss.section_id = s.id
        WHERE s.id = ANY($1::uuid[]) GROUP BY s.id),
     seats AS (
       SELECT f.id AS section_id, row_number() OVER (ORDER BY n, f.id) AS seat
         FROM free f, generate_series(1, greatest(f.room, 0)) AS n),
     waiting AS (
       SELECT st.profile_id, row_number() OVER (ORDER BY st.admission_number) AS seat
         FROM students st
        WHERE st.status = 'active' AND NOT EXISTS (
              SELECT 1 FROM section_students ss WHERE ss.student_id = st.profile_id
                 AND ss.section_id = ANY($1::uuid[]))),
     enrolled AS (
       INSERT INTO section_students (section_id, student_id)
       SELECT seats.section_id, waiting.profile_id FROM waiting JOIN seats USING (seat)
       RETURNING 1)
     SELECT count(*)::int AS n FROM enrolled`,
    [sections],
  );
  return (rows as Array<{ n: number }>)[0].n;
}

/** Every subject in every section gets an instructor, and every section a homeroom teacher. */
export async function assignTeaching(manager: EntityManager, sections: Ids): Promise<number> {
  const rows = await manager.query(
    `WITH teachers AS (
       SELECT profile_id, row_number() OVER (ORDER BY profile_id) - 1 AS n, count(*) OVER () AS total
         FROM staff WHERE job_title = 'Instructor' AND status = 'active'),
     wanted AS (
       SELECT s.id AS section_id, j.id AS subject_id,
              row_number() OVER (ORDER BY s.id, j.code) - 1 AS n
         FROM sections s CROSS JOIN subjects j
        WHERE s.id = ANY($1::uuid[]) AND NOT EXISTS (
              SELECT 1 FROM teaching_assignments t
               WHERE t.section_id = s.id AND t.subject_id = j.id)),
     assigned AS (
       INSERT INTO teaching_assignments (section_id, subject_id, instructor_id)
       SELECT w.section_id, w.subject_id, t.profile_id
         FROM wanted w JOIN teachers t ON t.n = w.n % t.total
       RETURNING section_id, instructor_id),
     homeroom AS (
       UPDATE sections s SET homeroom_instructor_id = a.instructor_id
         FROM (SELECT DISTINCT ON (section_id) section_id, instructor_id FROM assigned
                ORDER BY section_id, instructor_id) a
        WHERE s.id = a.section_id AND s.homeroom_instructor_id IS NULL
       RETURNING 1)
     SELECT count(*)::int AS n FROM assigned`,
    [sections],
  );
  return (rows as Array<{ n: number }>)[0].n;
}

/**
 * Per teaching assignment that has none yet: a published note and resource, an assignment
 * due last week, one due next week, and a draft the students cannot see.
 */
export async function publishContent(manager: EntityManager, faker: Faker): Promise<Ids> {
  const teaching: Array<{
    section_id: string;
    subject_id: string;
    instructor_id: string;
    name: string;
  }> = await manager.query(
    `SELECT t.section_id, t.subject_id, t.instructor_id, j.name
         FROM teaching_assignments t JOIN subjects j ON j.id = t.subject_id
        WHERE NOT EXISTS (SELECT 1 FROM course_contents c
                           WHERE c.section_id = t.section_id AND c.subject_id = t.subject_id)`,
  );
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
  return ids(
    manager,
    `INSERT INTO course_contents (section_id, subject_id, author_id, kind, title, body, due_at,
                                  max_points, is_published, published_at)
     SELECT s, j, a, k, t, b, d, m, p, CASE WHEN p THEN now() - interval '10 days' END
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                   $7::timestamptz[], $8::numeric[], $9::boolean[]) AS c (s, j, a, k, t, b, d, m, p)
     RETURNING id`,
    [
      rows.map((r) => r.section),
      rows.map((r) => r.subject),
      rows.map((r) => r.author),
      rows.map((r) => r.kind),
      rows.map((r) => r.title),
      rows.map((r) => r.body),
      rows.map((r) => r.due),
      rows.map((r) => r.max),
      rows.map((r) => r.published),
    ],
  );
}

/**
 * Hand-ins in every state, for the assignments this run published (so a re-run adds none):
 * most students of the section hand in (some late, a few twice), and the instructor has
 * graded or returned some of the past ones.
 */
export async function handIn(manager: EntityManager, faker: Faker, contents: Ids): Promise<number> {
  if (contents.length === 0) return 0;
  const due: Array<{
    content_id: string;
    student_id: string;
    due_at: Date;
    max_points: string;
    author_id: string;
  }> = await manager.query(
    `SELECT c.id AS content_id, ss.student_id, c.due_at, c.max_points, c.author_id
         FROM course_contents c
         JOIN section_students ss ON ss.section_id = c.section_id
        WHERE c.id = ANY($1::uuid[]) AND c.kind = 'assignment' AND c.is_published
          AND NOT EXISTS (SELECT 1 FROM submissions s
                           WHERE s.content_id = c.id AND s.student_id = ss.student_id)`,
    [contents],
  );
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
  const made = await ids(
    manager,
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::boolean[], $5::int[],
                            $6::text[], $7::numeric[], $8::text[], $9::uuid[], $10::text[])
              AS i (content_id, student_id, submitted_at, is_late, attempts, status, points,
                    feedback, graded_by, body)),
     made AS (
       INSERT INTO submissions (content_id, student_id, status, attempt_count, submitted_at,
                                is_late, points, feedback, graded_by, graded_at)
       SELECT content_id, student_id, status, attempts, submitted_at, is_late, points, feedback,
              graded_by, CASE WHEN status <> 'submitted' THEN submitted_at + interval '2 days' END
         FROM input
       ON CONFLICT DO NOTHING
       RETURNING id, content_id, student_id),
     attempts AS (
       INSERT INTO submission_attempts (submission_id, attempt, body, submitted_at, is_late, feedback)
       SELECT m.id, n, i.body, i.submitted_at - (i.attempts - n) * interval '1 day',
              i.is_late AND n = i.attempts, CASE WHEN n = i.attempts THEN i.feedback END
         FROM made m JOIN input i USING (content_id, student_id), generate_series(1, i.attempts) AS n
       RETURNING 1)
     SELECT id FROM made`,
    [
      rows.map((r) => r.content),
      rows.map((r) => r.student),
      rows.map((r) => r.submittedAt),
      rows.map((r) => r.late),
      rows.map((r) => r.attempts),
      rows.map((r) => r.status),
      rows.map((r) => r.points),
      rows.map((r) => r.feedback),
      rows.map((r) => r.grader),
      rows.map((r) => r.body),
    ],
  );
  return made.length;
}
