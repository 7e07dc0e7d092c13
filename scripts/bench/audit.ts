import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { type BenchSchool, registerBenchSchools, type RunOptions, signIn } from './harness';
import { startBenchServer } from './harness';
import { httpJson } from './http';
import { median, percentile, round } from './stats';

/**
 * The three ways a school's writes can be audited, one school each with the same data:
 * the product's statement-level triggers, no triggers at all, and a row-level variant
 * (a FOR EACH ROW trigger inserting the same audit row) as the reference point for what the
 * statement-level choice saves.
 */
const ARMS = ['statement', 'none', 'row'] as const;
type Arm = (typeof ARMS)[number];

/** The API's largest enrolment batch (MAX_ENROLMENT_BATCH): the bulk write. */
const BULK_STUDENTS = 200;
const REGISTER_STUDENTS = 40;

interface Workload {
  name: 'patch' | 'register' | 'bulk';
  what: string;
  /** Requests timed per arm per round. */
  samples: number;
}

const WORKLOADS: readonly Workload[] = [
  { name: 'patch', what: "one-row write: PATCH a student's first name", samples: 30 },
  {
    name: 'register',
    what: `set-based write: a ${REGISTER_STUDENTS}-student register saved (PUT)`,
    samples: 20,
  },
  {
    name: 'bulk',
    what: `bulk write: ${BULK_STUDENTS} students enrolled in a section (POST)`,
    samples: 6,
  },
];

export interface AuditWorkloadResult {
  what: string;
  /** Audit rows one request adds with the product's triggers (counted, not assumed). */
  auditRowsPerRequest: number;
  p50Ms: Record<Arm, number>;
  /** Median of per-round p50 ratios, audited over not audited. */
  statementOverNone: number;
  rowOverNone: number;
  /** Median of per-round (p50 audited - p50 not audited) / audit rows, in µs. */
  addedUsPerRow: { statement: number; row: number };
  rounds: Array<Record<Arm, number>>;
  /**
   * The same write as one statement in PostgreSQL under EXPLAIN ANALYZE (rolled back), which
   * times the audit triggers apart from everything else: no HTTP, no pool, none of the
   * machine's noise between client and server.
   */
  database: {
    statement: string;
    rows: number;
    /** Median time inside the audit triggers, ms. */
    triggerMs: Record<Exclude<Arm, 'none'>, number>;
    /** Median execution time of the whole statement, triggers included, ms. */
    executionMs: Record<Arm, number>;
    /** triggerMs over the rows the statement writes, µs. */
    triggerUsPerRow: Record<Exclude<Arm, 'none'>, number>;
  };
}

export interface AuditResult {
  rounds: number;
  workloads: AuditWorkloadResult[];
}

interface Plan {
  school: BenchSchool;
  schema: string;
  bearer: Record<string, string>;
  studentId: string;
  registerId: string;
  registerStudents: string[];
  bulkSectionId: string;
  bulkStudents: string[];
}

/**
 * The audit trigger's cost per write: the same three writes through HTTP against three
 * schools alike but for their triggers, one request at a time, arms in ABBA order round by
 * round, so the machine's drift falls on every arm alike.
 */
export async function measureAudit(options: RunOptions): Promise<AuditResult> {
  const server = await startBenchServer(options.databaseUrl);
  const db = new Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    const schools = await registerBenchSchools(server.port, ARMS.length, 'audit');
    const plans = {} as Record<Arm, Plan>;
    for (const [i, arm] of ARMS.entries()) {
      plans[arm] = await seed(db, schools[i], await signIn(server.port, schools[i]));
    }
    await dropAuditTriggers(db, plans.none.schema);
    await useRowLevelTriggers(db, plans.row.schema);

    const call = async (plan: Plan, method: string, path: string, body: unknown) => {
      const answer = await httpJson(server.port, method, path, plan.school.host, body, plan.bearer);
      if (answer.status < 200 || answer.status > 299) {
        throw new Error(
          `${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
        );
      }
    };
    let turn = 0;
    /** One request of a workload; anything untimed it needs first (undoing the bulk) is `prepare`. */
    const steps: Record<
      Workload['name'],
      { prepare?: (p: Plan) => Promise<void>; send: (p: Plan) => Promise<void> }
    > = {
      patch: {
        send: (p) =>
          call(p, 'PATCH', `/api/students/${p.studentId}`, { firstName: `Bench${turn++ % 1000}` }),
      },
      register: {
        send: (p) => {
          const shift = turn++;
          const records = p.registerStudents.map((studentId, n) =>
            (n + shift) % 5 === 0
              ? { studentId, status: 'late', lateMinutes: 5 }
              : { studentId, status: (n + shift) % 7 === 0 ? 'absent' : 'present' },
          );
          return call(p, 'PUT', `/api/attendance/sessions/${p.registerId}/records`, { records });
        },
      },
      bulk: {
        // The owner takes the students out again, untimed (in the audited school that is
        // audited too, which only grows its table as a real school's would).
        prepare: async (p) => {
          await db.query(`DELETE FROM "${p.schema}".section_students WHERE section_id = $1`, [
            p.bulkSectionId,
          ]);
        },
        send: (p) =>
          call(p, 'POST', `/api/academics/sections/${p.bulkSectionId}/students`, {
            studentIds: p.bulkStudents,
          }),
      },
    };
    const timedRun = async (workload: Workload, plan: Plan, samples: number) => {
      const step = steps[workload.name];
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        await step.prepare?.(plan);
        const started = performance.now();
        await step.send(plan);
        times.push(performance.now() - started);
      }
      return percentile(times, 50);
    };

    const workloads: AuditWorkloadResult[] = [];
    for (const workload of WORKLOADS) {
      // Warm-up of every arm, and the audit rows one request adds, counted in the product's arm.
      for (const arm of ARMS)
        await timedRun(workload, plans[arm], Math.max(2, workload.samples / 4));
      // Counted around the request alone: undoing the bulk (untimed) writes audit rows too.
      await steps[workload.name].prepare?.(plans.statement);
      const before = await auditRows(db, plans.statement.schema);
      await steps[workload.name].send(plans.statement);
      const auditRowsPerRequest = (await auditRows(db, plans.statement.schema)) - before;

      const rounds: Array<Record<Arm, number>> = [];
      for (let r = 0; r < options.rounds; r++) {
        const figures = {} as Record<Arm, number>;
        for (const arm of r % 2 === 0 ? ARMS : [...ARMS].reverse()) {
          figures[arm] = await timedRun(workload, plans[arm], workload.samples);
        }
        rounds.push(figures);
      }
      const perRow = (arm: Arm) =>
        round(
          median(rounds.map((x) => ((x[arm] - x.none) * 1000) / Math.max(1, auditRowsPerRequest))),
          1,
        );
      const database = await databaseSide(db, plans, workload.name, options.rounds);
      workloads.push({
        database,
        what: workload.what,
        auditRowsPerRequest,
        p50Ms: {
          statement: round(median(rounds.map((x) => x.statement)), 2),
          none: round(median(rounds.map((x) => x.none)), 2),
          row: round(median(rounds.map((x) => x.row)), 2),
        },
        statementOverNone: round(median(rounds.map((x) => x.statement / x.none)), 3),
        rowOverNone: round(median(rounds.map((x) => x.row / x.none)), 3),
        addedUsPerRow: { statement: perRow('statement'), row: perRow('row') },
        rounds: rounds.map((x) => ({
          statement: round(x.statement, 2),
          none: round(x.none, 2),
          row: round(x.row, 2),
        })),
      });
    }
    const result = { rounds: options.rounds, workloads };
    process.stdout.write(table(result));
    return result;
  } finally {
    await db.end();
    await server.stop();
  }
}

async function auditRows(db: Client, schema: string): Promise<number> {
  const counted = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".audit_events`,
  );
  return Number(counted.rows[0].n);
}

/** The school's `*_audit_*` triggers with their definitions, as the owner sees them. */
async function auditTriggers(db: Client, schema: string) {
  const found = await db.query<{ name: string; table: string; definition: string }>(
    `SELECT t.tgname AS name, c.relname AS table, pg_get_triggerdef(t.oid) AS definition
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND t.tgname LIKE '%\\_audit\\_%' AND NOT t.tgisinternal`,
    [schema],
  );
  if (found.rows.length === 0) throw new Error(`${schema} has no audit triggers to take away`);
  return found.rows;
}

async function dropAuditTriggers(db: Client, schema: string): Promise<void> {
  for (const trigger of await auditTriggers(db, schema)) {
    await db.query(`DROP TRIGGER "${trigger.name}" ON "${schema}"."${trigger.table}"`);
  }
}

/**
 * The same audit rows written one row at a time: a FOR EACH ROW function doing for one row
 * what `audit_changes()` does for a statement's transition table, on the same tables with
 * the same arguments. A reference point built here only, never in the product.
 */
async function useRowLevelTriggers(db: Client, schema: string): Promise<void> {
  await db.query(`
    CREATE FUNCTION "${schema}".audit_row_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    DECLARE
      actor      uuid := nullif(current_setting('schoolyard.actor', true), '')::uuid;
      request    text := nullif(current_setting('schoolyard.request_id', true), '');
      client     text := nullif(current_setting('schoolyard.client', true), '');
      keys       text[] := string_to_array(TG_ARGV[1], ',');
      person_col text := nullif(TG_ARGV[2], '');
      profile    uuid := audit_actor_profile(actor);
      o jsonb; n jsonb; b jsonb; a jsonb; j jsonb;
    BEGIN
      IF TG_OP <> 'INSERT' THEN o := to_jsonb(OLD); END IF;
      IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
      IF TG_OP = 'UPDATE' THEN
        SELECT audit_fields(coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)),
               audit_fields(coalesce(jsonb_object_agg(e.key, n -> e.key), '{}'::jsonb))
          INTO b, a
          FROM jsonb_each(o) e
         WHERE e.key <> 'updated_at' AND e.value IS DISTINCT FROM n -> e.key;
        IF b = '{}'::jsonb THEN RETURN NULL; END IF;
      ELSIF TG_OP = 'INSERT' THEN a := audit_fields(n);
      ELSE b := audit_fields(o);
      END IF;
      j := coalesce(n, o);
      INSERT INTO audit_events
        (actor_account_id, actor_profile_id, request_id, client_address, action, entity_type,
         entity_id, person_id, before, after)
      VALUES (actor, profile, request, client,
              CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'DELETE' THEN 'deleted' ELSE 'updated' END,
              TG_ARGV[0], concat_ws('/', j ->> keys[1], j ->> keys[2]), (j ->> person_col)::uuid,
              b, a);
      RETURN NULL;
    END
    $fn$;
    ALTER FUNCTION "${schema}".audit_row_change() SET search_path = "${schema}", pg_temp;
  `);
  for (const trigger of await auditTriggers(db, schema)) {
    const args = /audit_changes\((.*)\)\s*$/.exec(trigger.definition)?.[1];
    const event = /AFTER (INSERT|UPDATE|DELETE) ON/.exec(trigger.definition)?.[1];
    if (args === undefined || !event) throw new Error(`unexpected trigger ${trigger.definition}`);
    await db.query(`DROP TRIGGER "${trigger.name}" ON "${schema}"."${trigger.table}"`);
    await db.query(
      `CREATE TRIGGER "${trigger.name}" AFTER ${event} ON "${schema}"."${trigger.table}"
         FOR EACH ROW EXECUTE FUNCTION "${schema}".audit_row_change(${args})`,
    );
  }
}

/**
 * One school's data, written as the owner: a year, a level, a section of 40 students with a
 * register on the last school day, and a second section (room for the bulk batch) with 200
 * active students in no section.
 */
async function seed(
  db: Client,
  school: BenchSchool,
  bearer: Record<string, string>,
): Promise<Plan> {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  const q = <R extends object>(sql: string, params: unknown[] = []) =>
    db.query<R & Record<string, unknown>>(sql.replaceAll('§.', `"${schema}".`), params);
  const made = await q<{ level_id: string; year_id: string; today: string; day: string }>(
    `WITH s AS (SELECT (now() AT TIME ZONE timezone)::date AS today, rest_days FROM §.school_settings),
          y AS (INSERT INTO §.academic_years (name, starts_on, ends_on)
                SELECT 'Bench year', today - 200, today + 100 FROM s RETURNING id),
          pr AS (INSERT INTO §.programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
          lv AS (INSERT INTO §.academic_levels (program_id, name, position)
                 SELECT id, 'Bench level', 1 FROM pr RETURNING id)
     SELECT lv.id AS level_id, y.id AS year_id, to_char(s.today, 'YYYY-MM-DD') AS today,
            (SELECT to_char(max(d), 'YYYY-MM-DD')
               FROM generate_series(s.today - 7, s.today, interval '1 day') d
              WHERE extract(isodow FROM d)::smallint <> ALL (s.rest_days)) AS day
       FROM lv, y, s`,
  );
  const { level_id: levelId, year_id: yearId, day } = made.rows[0];
  const section = async (name: string, students: number, enrol: boolean) => {
    const rows = await q<{ section_id: string; student_id: string }>(
      `WITH sec AS (INSERT INTO §.sections (level_id, academic_year_id, name, capacity)
                    VALUES ($1, $2, $3, 300) RETURNING id),
            p AS (INSERT INTO §.profiles (kind, first_name, last_name)
                  SELECT 'student', 'Bench', $3 || ' ' || n FROM generate_series(1, $4::int) n
                  RETURNING id),
            st AS (INSERT INTO §.students (profile_id, admission_number, admission_date)
                   SELECT id, $3 || '-' || row_number() OVER (), current_date - 180 FROM p
                   RETURNING profile_id),
            ss AS (INSERT INTO §.section_students (section_id, student_id, joined_on)
                   SELECT sec.id, st.profile_id, current_date - 150 FROM sec, st WHERE $5::boolean)
       SELECT sec.id AS section_id, st.profile_id AS student_id FROM sec, st`,
      [levelId, yearId, name, students, enrol],
    );
    return { id: rows.rows[0].section_id, students: rows.rows.map((row) => row.student_id) };
  };
  const register = await section('Register', REGISTER_STUDENTS, true);
  const bulk = await section('Bulk', BULK_STUDENTS, false);
  const session = await q<{ id: string }>(
    `INSERT INTO §.attendance_sessions (section_id, on_date, kind) VALUES ($1, $2, 'daily')
     RETURNING id`,
    [register.id, day],
  );
  return {
    school,
    schema,
    bearer,
    studentId: register.students[0],
    registerId: session.rows[0].id,
    registerStudents: register.students,
    bulkSectionId: bulk.id,
    bulkStudents: bulk.students,
  };
}

const DATABASE_SAMPLES = 10;

/** The workload as one statement, written as the owner inside a transaction rolled back. */
function statementOf(
  name: Workload['name'],
  plan: Plan,
): { sql: string; params: unknown[]; rows: number } {
  if (name === 'patch')
    return {
      sql: `UPDATE profiles SET first_name = first_name || 'x' WHERE id = $1`,
      params: [plan.studentId],
      rows: 1,
    };
  if (name === 'register')
    return {
      sql: `UPDATE attendance_records SET status = CASE status WHEN 'present' THEN 'absent' ELSE 'present' END,
                   late_minutes = NULL WHERE session_id = $1`,
      params: [plan.registerId],
      rows: REGISTER_STUDENTS,
    };
  return {
    sql: `INSERT INTO section_students (section_id, student_id, joined_on)
          SELECT $1, unnest($2::uuid[]), current_date`,
    params: [plan.bulkSectionId, plan.bulkStudents],
    rows: BULK_STUDENTS,
  };
}

async function databaseSide(
  db: Client,
  plans: Record<Arm, Plan>,
  name: Workload['name'],
  rounds: number,
): Promise<AuditWorkloadResult['database']> {
  const once = async (plan: Plan) => {
    const { sql, params } = statementOf(name, plan);
    await db.query('BEGIN');
    try {
      await db.query(`SELECT set_config('search_path', $1, true)`, [`"${plan.schema}"`]);
      // An actor, as a request sets one: the profile lookup runs as it would.
      await db.query(`SELECT set_config('schoolyard.actor', gen_random_uuid()::text, true)`);
      if (name === 'bulk')
        await db.query(`DELETE FROM section_students WHERE section_id = $1`, [plan.bulkSectionId]);
      const explained = await db.query<{
        'QUERY PLAN': Array<{
          'Execution Time': number;
          Triggers?: Array<{ 'Trigger Name': string; Time: number }>;
        }>;
      }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      const [report] = explained.rows[0]['QUERY PLAN'];
      const trigger = (report.Triggers ?? [])
        .filter((t) => t['Trigger Name'].includes('_audit_'))
        .reduce((sum, t) => sum + t.Time, 0);
      return { trigger, execution: report['Execution Time'] };
    } finally {
      await db.query('ROLLBACK');
    }
  };
  for (const arm of ARMS) for (let i = 0; i < 3; i++) await once(plans[arm]);
  const samples = { trigger: {} as Record<Arm, number[]>, execution: {} as Record<Arm, number[]> };
  for (const arm of ARMS) {
    samples.trigger[arm] = [];
    samples.execution[arm] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const arm of r % 2 === 0 ? ARMS : [...ARMS].reverse()) {
      for (let i = 0; i < DATABASE_SAMPLES; i++) {
        const { trigger, execution } = await once(plans[arm]);
        samples.trigger[arm].push(trigger);
        samples.execution[arm].push(execution);
      }
    }
  }
  const { sql, rows } = statementOf(name, plans.statement);
  const triggerMs = {
    statement: round(median(samples.trigger.statement), 3),
    row: round(median(samples.trigger.row), 3),
  };
  return {
    statement: sql.replace(/\s+/g, ' '),
    rows,
    triggerMs,
    executionMs: {
      statement: round(median(samples.execution.statement), 3),
      none: round(median(samples.execution.none), 3),
      row: round(median(samples.execution.row), 3),
    },
    triggerUsPerRow: {
      statement: round((triggerMs.statement * 1000) / rows, 1),
      row: round((triggerMs.row * 1000) / rows, 1),
    },
  };
}

function table(result: AuditResult): string {
  const lines = result.workloads.map(
    (w) =>
      `| ${w.what} | ${w.auditRowsPerRequest} | ${w.p50Ms.statement} ms | ${w.p50Ms.none} ms | ` +
      `${w.statementOverNone} | ${w.addedUsPerRow.statement} µs | ${w.p50Ms.row} ms | ` +
      `${w.rowOverNone} | ${w.addedUsPerRow.row} µs |\n`,
  );
  const database = result.workloads.map(
    (w) =>
      `| ${w.what.split(':')[0]} (${w.database.rows} rows) | ${w.database.executionMs.statement} ms | ${w.database.executionMs.none} ms | ${w.database.triggerMs.statement} ms | ${w.database.triggerUsPerRow.statement} µs | ${w.database.executionMs.row} ms | ${w.database.triggerMs.row} ms | ${w.database.triggerUsPerRow.row} µs |\n`,
  );
  return (
    `\n| in PostgreSQL, one statement (EXPLAIN ANALYZE, median) | statement-level: execution | no trigger: execution | statement-level: in trigger | per row | row-level: execution | row-level: in trigger | per row |\n` +
    `|---|---|---|---|---|---|---|---|\n${database.join('')}` +
    `\n| audit trigger (${result.rounds} rounds, p50 per arm) | audit rows/request | statement-level (product) | no trigger | ratio | added/row | row-level | ratio | added/row |\n` +
    `|---|---|---|---|---|---|---|---|---|\n${lines.join('')}`
  );
}
