import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { schemaNameFor } from '@schoolyard/tenancy';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { FleetBuilder } from './fleet-builder';
import { median, round } from './stats';

const run = promisify(execFile);
const BUILD_CONCURRENCY = 4;
const SECTION_SIZE = 40;
const PAPERS = 6;
const MEASURED = 'fleet0';

export interface BackupOptions {
  databaseUrl: string;
  rounds: number;
  fleetSchools: number;
  students: number;
}

/** What `tenants backup --json` prints (the preamble's interface). */
interface BackupSummary {
  slug: string;
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  schemaVersion: string;
  seconds: number;
}

/** What `tenants restore --json` prints. */
interface RestoreSummary {
  slug: string;
  restoredAs: string;
  rows: number;
  seconds: number;
}

export interface BackupResult {
  fleetSchools: number;
  students: number;
  /** Rows the seeded school holds across its tables, as the backup counted them. */
  rows: number;
  tables: number;
  bytes: number;
  backup: { wallSeconds: number; commandSeconds: number };
  restore: { wallSeconds: number; commandSeconds: number };
  rounds: Array<{
    backupWall: number;
    backupCommand: number;
    restoreWall: number;
    restoreCommand: number;
    restoredRows: number;
  }>;
}

/**
 * A school of `--students` students (guardians, sections, enrolments, a month of attendance,
 * an exam's marks) in a fleet of `--fleet-schools`, backed up and restored under a new name
 * with the maintainer's commands, each a process of its own; the restored copy is archived
 * and dropped with the CLI between rounds. Wall time (process start included) and the
 * command's own `seconds`.
 */
export async function measureBackup(options: BackupOptions): Promise<BackupResult> {
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CREDENTIALS_KEY: randomBytes(32).toString('base64'),
    BACKUP_KEY: randomBytes(32).toString('base64'),
    ESEWA_ALLOW_TEST_SECRET: 'true',
  };
  const cli = async <T>(...argv: string[]): Promise<{ summary: T; wall: number }> => {
    const started = process.hrtime.bigint();
    const { stdout } = await run('node', [join(__dirname, '../../apps/cli/main.js'), ...argv], {
      env,
      maxBuffer: 64 << 20,
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    // `tenants archive` prints a line, not JSON; only the JSON answers are read.
    return { summary: (argv.includes('--json') ? JSON.parse(stdout) : stdout) as T, wall };
  };

  const config = loadConfig({ ...process.env, ...env });
  const { urls } = await prepareDatabase(options.databaseUrl);
  const builder = await FleetBuilder.open(config, urls);
  try {
    await builder.build('fleet', 0, options.fleetSchools, BUILD_CONCURRENCY);
  } finally {
    await builder.close();
  }
  process.stderr.write(`  fleet of ${options.fleetSchools} built\n`);
  await seedSchool(options.databaseUrl, schemaNameFor(MEASURED), options.students);

  const dir = await mkdtemp(join(tmpdir(), 'bench-backup-'));
  const rounds: BackupResult['rounds'] = [];
  let last: BackupSummary | undefined;
  try {
    for (let r = 0; r < options.rounds; r++) {
      const file = join(dir, `round${r}.sybk`);
      const backup = await cli<BackupSummary>(
        'tenants',
        'backup',
        MEASURED,
        '--out',
        file,
        '--json',
      );
      const copy = `${MEASURED}copy${r}`;
      const restore = await cli<RestoreSummary>(
        'tenants',
        'restore',
        MEASURED,
        '--from',
        file,
        '--as',
        copy,
        '--json',
      );
      if (restore.summary.rows !== backup.summary.rows) {
        // Said, not fatal: the two commands may count rows differently (the figure still stands).
        process.stderr.write(
          `  round ${r}: restore reported ${restore.summary.rows} rows, backup ${backup.summary.rows}\n`,
        );
      }
      await cli('tenants', 'archive', copy);
      await cli('tenants', 'drop', copy, '--confirm', copy, '--json');
      await rm(file);
      last = backup.summary;
      rounds.push({
        backupWall: round(backup.wall, 2),
        backupCommand: backup.summary.seconds,
        restoreWall: round(restore.wall, 2),
        restoreCommand: restore.summary.seconds,
        restoredRows: restore.summary.rows,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const med = (pick: (x: BackupResult['rounds'][number]) => number) =>
    round(median(rounds.map(pick)), 2);
  const result: BackupResult = {
    fleetSchools: options.fleetSchools,
    students: options.students,
    rows: last?.rows ?? 0,
    tables: last?.tables ?? 0,
    bytes: last?.bytes ?? 0,
    backup: { wallSeconds: med((x) => x.backupWall), commandSeconds: med((x) => x.backupCommand) },
    restore: {
      wallSeconds: med((x) => x.restoreWall),
      commandSeconds: med((x) => x.restoreCommand),
    },
    rounds,
  };
  process.stdout.write(table(result));
  return result;
}

/**
 * As the owner, set-based: sections of 40, the students in them, one guardian each (every
 * fifth a second one), 30 days of daily registers with every student marked, and an exam of
 * six papers with every student's marks.
 */
async function seedSchool(databaseUrl: string, schema: string, students: number): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(`SELECT set_config('search_path', $1, true)`, [`"${schema}"`]);
    const made = await db.query<{ level_id: string; year_id: string; exam_id: string }>(
      `WITH s AS (SELECT (now() AT TIME ZONE timezone)::date AS today FROM school_settings),
            y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                  SELECT 'Backup year', today - 200, today + 100 FROM s RETURNING id),
            t AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                  SELECT y.id, 'Backup term', s.today - 90, s.today FROM y, s RETURNING id),
            pr AS (INSERT INTO programs (code, name) VALUES ('BACKUP', 'Backup') RETURNING id),
            lv AS (INSERT INTO academic_levels (program_id, name, position)
                   SELECT id, 'Backup level', 1 FROM pr RETURNING id),
            e AS (INSERT INTO exams (term_id, name, status)
                  SELECT id, 'Backup exam', 'marking' FROM t RETURNING id),
            el AS (INSERT INTO exam_levels (exam_id, level_id) SELECT e.id, lv.id FROM e, lv)
       SELECT lv.id AS level_id, y.id AS year_id, e.id AS exam_id FROM lv, y, e`,
    );
    const { level_id: levelId, year_id: yearId, exam_id: examId } = made.rows[0];
    for (let i = 0; i * SECTION_SIZE < students; i++) {
      const size = Math.min(SECTION_SIZE, students - i * SECTION_SIZE);
      await db.query(
        `WITH sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                      VALUES ($1, $2, $3, 60) RETURNING id),
              p AS (INSERT INTO profiles (kind, first_name, last_name, email)
                    SELECT 'student', 'Pupil', $3 || ' ' || n, 'pupil' || n || '.' || $3 || '@backup.example'
                      FROM generate_series(1, $4::int) n RETURNING id),
              st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                     SELECT id, 'BK-' || $3 || '-' || row_number() OVER (), current_date - 180 FROM p
                     RETURNING profile_id)
         INSERT INTO section_students (section_id, student_id, joined_on)
         SELECT sec.id, st.profile_id, current_date - 150 FROM sec, st`,
        [levelId, yearId, `S${i + 1}`, size],
      );
    }
    // One guardian per student, a second for every fifth.
    await db.query(
      `WITH kids AS (SELECT s.profile_id, row_number() OVER (ORDER BY s.profile_id) AS n
                       FROM students s JOIN section_students ss ON ss.student_id = s.profile_id),
            wanted AS (SELECT profile_id, n, g FROM kids, generate_series(1, 2) g
                        WHERE g = 1 OR n % 5 = 0),
            p AS (INSERT INTO profiles (kind, first_name, last_name, email)
                  SELECT 'guardian', 'Parent', w.n || '-' || w.g, 'parent' || w.n || '-' || w.g || '@backup.example'
                    FROM wanted w RETURNING id, last_name),
            gd AS (INSERT INTO guardians (profile_id, phone)
                   SELECT id, '+97798' || lpad(replace(last_name, '-', ''), 8, '0') FROM p
                   RETURNING profile_id)
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT w.profile_id, p.id, CASE w.g WHEN 1 THEN 'mother' ELSE 'father' END
         FROM wanted w JOIN p ON p.last_name = w.n || '-' || w.g`,
    );
    // A month of daily registers (30 days back), every student marked.
    await db.query(
      `WITH s AS (SELECT (now() AT TIME ZONE timezone)::date AS today, rest_days FROM school_settings),
            ses AS (INSERT INTO attendance_sessions (section_id, on_date, kind)
                    SELECT sec.id, d::date, 'daily'
                      FROM sections sec, s, generate_series(s.today - 30, s.today - 1, interval '1 day') d
                     WHERE sec.level_id = $1 AND extract(isodow FROM d)::smallint <> ALL (s.rest_days)
                    RETURNING id, section_id)
       INSERT INTO attendance_records (session_id, student_id, status, late_minutes)
       SELECT ses.id, ss.student_id, m.status, CASE WHEN m.status = 'late' THEN 5 END
         FROM ses JOIN section_students ss ON ss.section_id = ses.section_id
        CROSS JOIN LATERAL (
          SELECT (ARRAY['present', 'present', 'present', 'present', 'absent', 'late'])
                 [1 + floor(random() * 6)::int] AS status WHERE ses.id IS NOT NULL) m`,
      [levelId],
    );
    await db.query(
      `WITH sub AS (INSERT INTO subjects (code, name, level_id)
                    SELECT 'BK-' || n, 'Subject ' || n, $2 FROM generate_series(1, $3::int) n
                    RETURNING id),
            pa AS (INSERT INTO exam_papers (exam_id, subject_id, level_id, sits_on, starts_at,
                                            duration_minutes, max_marks, pass_marks)
                   SELECT $1, sub.id, $2, current_date - 10, '10:00', 120, 100, 35 FROM sub
                   RETURNING id)
       INSERT INTO exam_marks (paper_id, student_id, marks, is_absent)
       SELECT pa.id, ss.student_id, m.marks, m.marks IS NULL
         FROM pa CROSS JOIN section_students ss
        CROSS JOIN LATERAL (
          SELECT CASE WHEN random() < 1.0 / 15 THEN NULL
                      ELSE round((random() * 100)::numeric, 1) END AS marks
           WHERE pa.id IS NOT NULL) m`,
      [examId, levelId, PAPERS],
    );
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    await db.end();
  }
}

function table(result: BackupResult): string {
  const mb = round(result.bytes / 1024 / 1024, 1);
  return (
    `\n| backup (${result.students} students of a fleet of ${result.fleetSchools}; ${result.rows} rows in ${result.tables} tables, ${mb} MB archive) | median wall | command's own |\n|---|---|---|\n` +
    `| tenants backup | ${result.backup.wallSeconds} s | ${result.backup.commandSeconds} s |\n` +
    `| tenants restore --as (a new name) | ${result.restore.wallSeconds} s | ${result.restore.commandSeconds} s |\n`
  );
}
