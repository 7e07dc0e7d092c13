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

export interface FeesOptions extends RunOptions {
  /** Dues reports timed. */
  samples: number;
}

export interface FeesLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface FeesResult {
  students: number;
  sections: number;
  /** A month's invoices for the whole level, one month per round (warm-up rounds excluded). */
  generate: FeesLatency;
  /** The same month asked again as a dry run: what the office waits for before issuing. */
  dryRun: FeesLatency;
  /** The level's dues with ageing buckets, over every invoice the rounds issued. */
  dues: FeesLatency & { invoices: number };
}

/** 25 sections of 40: 1,000 students. */
const SECTION_SIZES = Array.from({ length: 25 }, () => 40);
const WARM_UP_MONTHS = 2;
const TIMED_MONTHS = 10;

/**
 * What the office waits for when it bills a whole level of 1,000 students for a month
 * (`POST /api/fees/invoices/generate`, a new month each round so every round issues 1,000
 * invoices with three lines each, numbered from the counter), the dry run of the same month,
 * and then the dues report with ageing over the 10,000-odd invoices written, a third of them
 * paid. One request at a time: latencies.
 */
export async function measureFees(options: FeesOptions): Promise<FeesResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'fees');
    const bearer = await signIn(server.port, school);
    const db = new Client({ connectionString: options.databaseUrl });
    await db.connect();
    try {
      const plan = await seed(db, school);
      const call = async (method: string, path: string, body?: object) => {
        const answer = await httpJson(server.port, method, path, school.host, body, bearer);
        if (answer.status !== 200 && answer.status !== 201) {
          throw new Error(
            `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
          );
        }
        return answer.body as { issued?: number };
      };
      const generate = (period: string, dryRun: boolean) =>
        call('POST', '/api/fees/invoices/generate', {
          academicYearId: plan.yearId,
          levelId: plan.levelId,
          period,
          dryRun,
        });

      const generateTimes: number[] = [];
      const dryRunTimes: number[] = [];
      for (const [i, month] of plan.months.slice(0, WARM_UP_MONTHS + TIMED_MONTHS).entries()) {
        let started = performance.now();
        const preview = await generate(month, true);
        const dryElapsed = performance.now() - started;
        started = performance.now();
        const issued = await generate(month, false);
        const elapsed = performance.now() - started;
        if (issued.issued !== plan.students || preview.issued !== plan.students) {
          throw new Error(`issued ${String(issued.issued)} invoices, not ${plan.students}`);
        }
        if (i < WARM_UP_MONTHS) continue;
        generateTimes.push(elapsed);
        dryRunTimes.push(dryElapsed);
      }
      // A third of what was billed is paid, so the report has every kind of balance.
      await db.query(
        `UPDATE fee_invoices SET paid_minor = total_minor, status = 'paid'
          WHERE number % 3 = 0 AND status = 'issued'`,
      );
      const invoices = Number(
        (await db.query<{ n: string }>(`SELECT count(*) AS n FROM fee_invoices`)).rows[0].n,
      );

      const path = `/api/fees/reports/dues?academicYearId=${plan.yearId}&levelId=${plan.levelId}`;
      for (let i = 0; i < 5; i++) await call('GET', path);
      const duesTimes: number[] = [];
      for (let i = 0; i < options.samples; i++) {
        const started = performance.now();
        await call('GET', path);
        duesTimes.push(performance.now() - started);
      }

      const figures = (times: number[]): FeesLatency => ({
        samples: times.length,
        p50Ms: round(percentile(times, 50), 1),
        p99Ms: round(percentile(times, 99), 1),
      });
      const result: FeesResult = {
        students: plan.students,
        sections: SECTION_SIZES.length,
        generate: figures(generateTimes),
        dryRun: figures(dryRunTimes),
        dues: { ...figures(duesTimes), invoices },
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
 * A year of twelve months that began five months ago, a level whose fee structure charges
 * tuition and transport monthly and a lab fee monthly too, and 25 sections of 40 students who
 * joined on the year's first day: written as the owner.
 */
async function seed(db: Client, school: BenchSchool) {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
  const made = await db.query<{ level_id: string; year_id: string; starts_on: string }>(
    `WITH settings AS (
            SELECT (date_trunc('month', now() AT TIME ZONE timezone) - interval '5 months')::date
                   AS starts_on FROM school_settings),
          y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                SELECT 'Bench year', starts_on, (starts_on + interval '1 year')::date - 1
                  FROM settings RETURNING id, starts_on),
          pr AS (INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
          lv AS (INSERT INTO academic_levels (program_id, name, position)
                 SELECT id, 'Bench level', 1 FROM pr RETURNING id),
          heads AS (INSERT INTO fee_heads (name)
                    VALUES ('Tuition'), ('Transport'), ('Laboratory') RETURNING id, name),
          st AS (INSERT INTO fee_structures (academic_year_id, name, level_id)
                 SELECT y.id, 'Bench fees', lv.id FROM y, lv RETURNING id),
          lines AS (INSERT INTO fee_structure_lines (structure_id, head_id, amount_minor, schedule,
                                                     due_day)
                    SELECT st.id, heads.id,
                           CASE heads.name WHEN 'Tuition' THEN 550000 WHEN 'Transport' THEN 120000
                                ELSE 35000 END, 'monthly', 10
                      FROM st, heads)
     SELECT lv.id AS level_id, y.id AS year_id, to_char(y.starts_on, 'YYYY-MM-DD') AS starts_on
       FROM lv, y`,
  );
  const { level_id: levelId, year_id: yearId, starts_on: startsOn } = made.rows[0];
  for (const [i, size] of SECTION_SIZES.entries()) {
    await db.query(
      `WITH sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                    VALUES ($1, $2, $3, 60) RETURNING id),
            p AS (INSERT INTO profiles (kind, first_name, last_name)
                  SELECT 'student', 'Bench', $3 || '-' || n FROM generate_series(1, $4::int) n
                  RETURNING id),
            st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                   SELECT id, $3 || '-' || row_number() OVER (), $5::date FROM p
                   RETURNING profile_id)
       INSERT INTO section_students (section_id, student_id, joined_on)
       SELECT sec.id, st.profile_id, $5::date FROM sec, st`,
      [levelId, yearId, `S${i + 1}`, size, startsOn],
    );
  }
  const months = Array.from({ length: 12 }, (_, i) => {
    const [year, month] = startsOn.split('-').map(Number);
    return new Date(Date.UTC(year, month - 1 + i, 1)).toISOString().slice(0, 7);
  });
  const students = SECTION_SIZES.reduce((sum, size) => sum + size, 0);
  return { levelId, yearId, months, students };
}

function table(result: FeesResult): string {
  const row = (what: string, figures: FeesLatency) =>
    `| ${what} | ${figures.samples} | ${figures.p50Ms} ms | ${figures.p99Ms} ms |\n`;
  return (
    `\n| fees (${result.students} students, ${result.sections} sections) | requests | p50 | p99 |\n|---|---|---|---|\n` +
    row(`generate a month's invoices (${result.students}, 3 lines each)`, result.generate) +
    row('the same month as a dry run', result.dryRun) +
    row(`dues with ageing (${result.dues.invoices} invoices)`, result.dues)
  );
}
