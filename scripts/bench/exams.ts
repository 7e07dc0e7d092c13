import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import {
  type BenchSchool,
  registerBenchSchools,
  type RunOptions,
  signIn,
  startBenchServer,
} from './harness';
import { httpJson } from './http';
import { percentile, round } from './stats';

export interface ExamsOptions extends RunOptions {
  /** Publications timed (each after a reopening written as the owner). */
  publishRounds: number;
  /** Section results requests timed. */
  samples: number;
}

export interface ExamLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ExamsResult {
  students: number;
  sections: number;
  papers: number;
  publish: ExamLatency;
  /** The time the database work of a publication took, as its answer says (p50). */
  publishDatabaseP50Ms: number;
  sectionResults: ExamLatency & { students: number };
}

/** 12 sections of 40 and one of 20: 500 students. */
const SECTION_SIZES = [...Array.from({ length: 12 }, () => 40), 20];
const PAPERS = 8;

/**
 * What the office waits for when it publishes an exam of a whole level (500 students in 13
 * sections, 8 papers each, about 1 in 15 marks an absence) through HTTP, republished after a
 * reopening written with SQL between rounds; and what a teacher waits for when reading a
 * 40-student section's ranked results and class summary. One request at a time: latencies.
 */
export async function measureExams(options: ExamsOptions): Promise<ExamsResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'exams');
    const bearer = await signIn(server.port, school);
    const db = new Client({ connectionString: options.databaseUrl });
    await db.connect();
    try {
      const plan = await seed(db, school);
      const call = async (method: string, path: string) => {
        const answer = await httpJson(server.port, method, path, school.host, undefined, bearer);
        if (answer.status !== 200) {
          throw new Error(
            `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
          );
        }
        return answer.body as { durationMs?: number; students?: unknown[] | number };
      };
      const reopen = () =>
        db.query(`UPDATE exams SET status = 'marking', reopened_at = now() WHERE id = $1`, [
          plan.examId,
        ]);

      const publishTimes: number[] = [];
      const databaseTimes: number[] = [];
      for (let i = 0; i < options.publishRounds + 2; i++) {
        await reopen();
        const started = performance.now();
        const summary = await call('POST', `/api/exams/${plan.examId}/publish`);
        const elapsed = performance.now() - started;
        if (summary.students !== plan.students)
          throw new Error(`published ${String(summary.students)} students, not ${plan.students}`);
        if (i < 2) continue; // warm-up
        publishTimes.push(elapsed);
        databaseTimes.push(summary.durationMs ?? 0);
      }

      const path = `/api/exams/${plan.examId}/results?sectionId=${plan.sectionId}`;
      for (let i = 0; i < 10; i++) await call('GET', path);
      const readTimes: number[] = [];
      for (let i = 0; i < options.samples; i++) {
        const started = performance.now();
        const body = await call('GET', path);
        readTimes.push(performance.now() - started);
        if ((body.students as unknown[]).length !== SECTION_SIZES[0])
          throw new Error('the section results miss students');
      }

      const figures = (times: number[]): ExamLatency => ({
        samples: times.length,
        p50Ms: round(percentile(times, 50), 1),
        p99Ms: round(percentile(times, 99), 1),
      });
      const result: ExamsResult = {
        students: plan.students,
        sections: SECTION_SIZES.length,
        papers: PAPERS,
        publish: figures(publishTimes),
        publishDatabaseP50Ms: round(percentile(databaseTimes, 50), 1),
        sectionResults: { ...figures(readTimes), students: SECTION_SIZES[0] },
      };
      process.stdout.write(table(result));
      return result;
    } finally {
      await db.end();
    }
  } finally {
    await server.stop();
  }
}

/**
 * A year with a term, a level with 8 subjects, 13 sections of students, an exam in marking
 * with one paper per subject for the level, and every student's marks: written as the owner.
 */
async function seed(db: Client, school: BenchSchool) {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
  const made = await db.query<{ exam_id: string; level_id: string; year_id: string }>(
    `WITH settings AS (SELECT (now() AT TIME ZONE timezone)::date AS today FROM school_settings),
          y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                SELECT 'Bench year', today - 200, today + 100 FROM settings RETURNING id),
          t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                SELECT y.id, 'Bench term', s.today - 90, s.today FROM y, settings s RETURNING id),
          pr AS (INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
          lv AS (INSERT INTO academic_levels (program_id, name, position)
                 SELECT id, 'Bench level', 1 FROM pr RETURNING id),
          e AS (INSERT INTO exams (term_id, name, status) SELECT id, 'Bench exam', 'marking' FROM t
                RETURNING id),
          el AS (INSERT INTO exam_levels (exam_id, level_id) SELECT e.id, lv.id FROM e, lv)
     SELECT e.id AS exam_id, lv.id AS level_id, y.id AS year_id FROM e, lv, y`,
  );
  const { exam_id: examId, level_id: levelId, year_id: yearId } = made.rows[0];
  await db.query(
    `WITH sub AS (INSERT INTO subjects (code, name, level_id)
                  SELECT 'BENCH-' || n, 'Subject ' || n, $2 FROM generate_series(1, $3::int) n
                  RETURNING id)
     INSERT INTO exam_papers (exam_id, subject_id, level_id, sits_on, starts_at, duration_minutes,
                              max_marks, pass_marks)
     SELECT $1, sub.id, $2, current_date, '10:00', 120, 100, 35 FROM sub`,
    [examId, levelId, PAPERS],
  );
  const sectionIds: string[] = [];
  for (const [i, size] of SECTION_SIZES.entries()) {
    const section = await db.query<{ id: string }>(
      `WITH sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                    VALUES ($1, $2, $3, 60) RETURNING id),
            p AS (INSERT INTO profiles (kind, first_name, last_name)
                  SELECT 'student', 'Bench', $3 || '-' || n FROM generate_series(1, $4::int) n
                  RETURNING id),
            st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                   SELECT id, $3 || '-' || row_number() OVER (), current_date FROM p
                   RETURNING profile_id),
            ss AS (INSERT INTO section_students (section_id, student_id, joined_on)
                   SELECT sec.id, st.profile_id, current_date - 150 FROM sec, st)
       SELECT id FROM sec`,
      [levelId, yearId, `S${i + 1}`, size],
    );
    sectionIds.push(section.rows[0].id);
  }
  // Marks from 0 to 100 spread over everyone; about one mark in fifteen is an absence.
  const marks = await db.query(
    `INSERT INTO exam_marks (paper_id, student_id, marks, is_absent)
     SELECT p.id, ss.student_id, m.marks, m.marks IS NULL
       FROM exam_papers p
       JOIN section_students ss ON ss.section_id = ANY($2::uuid[])
       CROSS JOIN LATERAL (
         SELECT CASE WHEN random() < 1.0 / 15 THEN NULL
                     ELSE round((random() * 100)::numeric, 1) END AS marks
          WHERE p.id IS NOT NULL) m
      WHERE p.exam_id = $1`,
    [examId, sectionIds],
  );
  const students = SECTION_SIZES.reduce((sum, size) => sum + size, 0);
  if (marks.rowCount !== students * PAPERS) throw new Error('the marks were not all written');
  return { examId, sectionId: sectionIds[0], students };
}

function table(result: ExamsResult): string {
  const row = (what: string, figures: ExamLatency) =>
    `| ${what} | ${figures.samples} | ${figures.p50Ms} ms | ${figures.p99Ms} ms |\n`;
  return (
    `\n| exams (${result.students} students, ${result.sections} sections, ${result.papers} papers) | requests | p50 | p99 |\n|---|---|---|---|\n` +
    row(
      `publish (republish after a reopening; database ${result.publishDatabaseP50Ms} ms at p50)`,
      result.publish,
    ) +
    row(
      `section results and summary, ${result.sectionResults.students} students`,
      result.sectionResults,
    )
  );
}
