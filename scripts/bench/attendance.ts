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

export interface AttendanceOptions extends RunOptions {
  /** Requests timed per figure. */
  samples: number;
}

export interface LatencyFigures {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export interface AttendanceResult {
  students: number;
  /** School days (registers) the report covers. */
  reportDays: number;
  save: LatencyFigures;
  report: LatencyFigures;
}

const STUDENTS = 40;
const TERM_DAYS = 84; // twelve weeks: 60 school days with the default rest days

/**
 * What a teacher and the office wait for: saving a 40-student register through HTTP (all
 * marks in one PUT, alternating between two versions so every save rewrites every mark) and
 * the section report over one term of daily registers (about 60 school days, every student
 * marked each day). Requests are sent one at a time: these are latencies, not throughput.
 */
export async function measureAttendance(options: AttendanceOptions): Promise<AttendanceResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'attend');
    const bearer = await signIn(server.port, school);
    const plan = await seed(options.databaseUrl, school);
    const timed = async (work: (i: number) => Promise<void>): Promise<LatencyFigures> => {
      for (let i = 0; i < 10; i++) await work(i); // warm-up
      const times: number[] = [];
      for (let i = 0; i < options.samples; i++) {
        const started = performance.now();
        await work(i);
        times.push(performance.now() - started);
      }
      return {
        samples: options.samples,
        p50Ms: round(percentile(times, 50), 1),
        p99Ms: round(percentile(times, 99), 1),
      };
    };
    const expect = (answer: { status: number; body: unknown }, what: string) => {
      if (answer.status !== 200) {
        throw new Error(`${what} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    const save = await timed(async (i) => {
      const records = plan.studentIds.map((studentId, n) =>
        (n + i) % 5 === 0
          ? { studentId, status: 'late', lateMinutes: 5 }
          : { studentId, status: (n + i) % 7 === 0 ? 'absent' : 'present' },
      );
      expect(
        await httpJson(
          server.port,
          'PUT',
          `/api/attendance/sessions/${plan.registerId}/records`,
          school.host,
          { records },
          bearer,
        ),
        'saving the register',
      );
    });
    const report = await timed(async () => {
      expect(
        await httpJson(
          server.port,
          'GET',
          `/api/attendance/reports/sections/${plan.sectionId}?from=${plan.from}&to=${plan.to}`,
          school.host,
          undefined,
          bearer,
        ),
        'the section report',
      );
    });
    const result = { students: STUDENTS, reportDays: plan.days, save, report };
    process.stdout.write(table(result));
    return result;
  } finally {
    await server.stop();
  }
}

/**
 * A section of 40 students, a year with a twelve-week term ending on the last school day,
 * a daily register on each school day of it with every student marked, written as the owner.
 */
async function seed(databaseUrl: string, school: BenchSchool) {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
    const made = await db.query<{ section_id: string; student_id: string; to: string }>(
      `WITH settings AS (SELECT (now() AT TIME ZONE timezone)::date AS today FROM school_settings),
            y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                  SELECT 'Bench year', today - 200, today + 100 FROM settings RETURNING id),
            t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                  SELECT y.id, 'Bench term', s.today - $1::int, s.today FROM y, settings s),
            pr AS (INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
            lv AS (INSERT INTO academic_levels (program_id, name, position)
                   SELECT id, 'Bench level', 1 FROM pr RETURNING id),
            sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                    SELECT lv.id, y.id, 'Bench section', 100 FROM lv, y RETURNING id),
            p AS (INSERT INTO profiles (kind, first_name, last_name)
                  SELECT 'student', 'Bench', 'Student ' || n FROM generate_series(1, $2::int) n
                  RETURNING id),
            st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                   SELECT id, 'B-' || row_number() OVER (), current_date FROM p RETURNING profile_id)
       INSERT INTO section_students (section_id, student_id, joined_on)
       SELECT sec.id, st.profile_id, s.today - 150 FROM sec, st, settings s
       RETURNING section_id, student_id, (SELECT to_char(today, 'YYYY-MM-DD') FROM settings) AS to`,
      [TERM_DAYS, STUDENTS],
    );
    const sectionId = made.rows[0].section_id;
    // Registers on the term's school days (not on the school's rest days), marked in bulk.
    const sessions = await db.query<{ id: string; on_date: string }>(
      `WITH s AS (SELECT (now() AT TIME ZONE timezone)::date AS today, rest_days FROM school_settings)
       INSERT INTO attendance_sessions (section_id, on_date, kind)
       SELECT $1, d::date, 'daily'
         FROM s, generate_series(s.today - $2::int, s.today, interval '1 day') d
        WHERE extract(isodow FROM d)::smallint <> ALL (s.rest_days)
       RETURNING id, to_char(on_date, 'YYYY-MM-DD') AS on_date`,
      [sectionId, TERM_DAYS],
    );
    await db.query(
      `INSERT INTO attendance_records (session_id, student_id, status, late_minutes)
       SELECT ses.id, ss.student_id, m.status, CASE WHEN m.status = 'late' THEN 5 END
         FROM attendance_sessions ses
         JOIN section_students ss ON ss.section_id = ses.section_id
         CROSS JOIN LATERAL (
           SELECT (ARRAY['present', 'present', 'present', 'absent', 'late', 'excused'])
                  [1 + floor(random() * 6)::int] AS status
            WHERE ses.id IS NOT NULL) m
        WHERE ses.section_id = $1`,
      [sectionId],
    );
    const dates = sessions.rows.map((row) => row.on_date).sort();
    const last = sessions.rows.find((row) => row.on_date === dates.at(-1))!;
    return {
      sectionId,
      studentIds: made.rows.map((row) => row.student_id),
      registerId: last.id,
      from: dates[0],
      to: made.rows[0].to,
      days: dates.length,
    };
  } finally {
    await db.end();
  }
}

function table(result: AttendanceResult): string {
  const row = (what: string, figures: LatencyFigures) =>
    `| ${what} | ${figures.samples} | ${figures.p50Ms} ms | ${figures.p99Ms} ms |\n`;
  return (
    `\n| attendance (${result.students} students) | requests | p50 | p99 |\n|---|---|---|---|\n` +
    row('save a register (PUT, every mark rewritten)', result.save) +
    row(`section report, ${result.reportDays} school days`, result.report)
  );
}
