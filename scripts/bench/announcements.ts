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

export interface AnnouncementsOptions extends RunOptions {
  /** Announcements timed. */
  samples: number;
}

export interface AnnouncementsResult {
  guardians: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

const GUARDIANS = 2_000;

/**
 * What the office waits for when it announces something to a big section's families: one
 * POST that publishes at once to the guardians of 2,000 students (one guardian each), writing
 * 2,000 receipts, 2,000 notifications and 2,000 email deliveries in the request's
 * transaction. Sent one at a time: latencies, not throughput.
 */
export async function measureAnnouncements(
  options: AnnouncementsOptions,
): Promise<AnnouncementsResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'announce');
    const bearer = await signIn(server.port, school);
    const sectionId = await seed(options.databaseUrl, school);
    const announce = async (i: number) => {
      const answer = await httpJson(
        server.port,
        'POST',
        '/api/announcements',
        school.host,
        {
          title: `Notice ${i}`,
          body: 'The school closes early on Friday.',
          channels: ['email'],
          audience: { kind: 'section_guardians', ids: [sectionId] },
        },
        bearer,
      );
      const body = answer.body as { recipients?: number };
      if (answer.status !== 201 || body.recipients !== GUARDIANS) {
        throw new Error(`announcing answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };
    for (let i = 0; i < 3; i++) await announce(i); // warm-up
    const times: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const started = performance.now();
      await announce(i);
      times.push(performance.now() - started);
    }
    const result = {
      guardians: GUARDIANS,
      samples: options.samples,
      p50Ms: round(percentile(times, 50), 1),
      p99Ms: round(percentile(times, 99), 1),
    };
    process.stdout.write(
      `\n| announcement fan-out | announcements | p50 | p99 |\n|---|---|---|---|\n` +
        `| to ${GUARDIANS} guardians, with email | ${result.samples} | ${result.p50Ms} ms | ${result.p99Ms} ms |\n`,
    );
    return result;
  } finally {
    await server.stop();
  }
}

/** A section of 2,000 students, each with a guardian of their own, written as the owner. */
async function seed(databaseUrl: string, school: BenchSchool): Promise<string> {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
    const made = await db.query<{ id: string }>(
      `WITH y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                  VALUES ('Bench year', current_date - 100, current_date + 200) RETURNING id),
            pr AS (INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
            lv AS (INSERT INTO academic_levels (program_id, name, position)
                   SELECT id, 'Bench level', 1 FROM pr RETURNING id),
            sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                    SELECT lv.id, y.id, 'Bench section', $1 FROM lv, y RETURNING id),
            n AS (SELECT n, gen_random_uuid() AS student, gen_random_uuid() AS guardian
                    FROM generate_series(1, $1::int) n),
            p AS (INSERT INTO profiles (id, kind, first_name, last_name)
                  SELECT student, 'student', 'Bench', 'Student ' || n FROM n
                  UNION ALL
                  SELECT guardian, 'guardian', 'Bench', 'Guardian ' || n FROM n),
            st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                   SELECT student, 'B-' || n, current_date FROM n),
            g AS (INSERT INTO guardians (profile_id) SELECT guardian FROM n),
            sg AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                   SELECT student, guardian, 'mother' FROM n),
            ss AS (INSERT INTO section_students (section_id, student_id, joined_on)
                   SELECT sec.id, n.student, current_date - 30 FROM sec, n)
       SELECT id FROM sec`,
      [GUARDIANS],
    );
    return made.rows[0].id;
  } finally {
    await db.end();
  }
}
