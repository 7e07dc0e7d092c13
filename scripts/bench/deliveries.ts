import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import {
  type BenchSchool,
  registerBenchSchools,
  type RunOptions,
  signIn,
  startBenchServer,
} from './harness';
import { httpJson } from './http';
import { median, round } from './stats';

export interface DeliveriesOptions extends RunOptions {
  /** Fresh batches delivered and timed. */
  deliveryRounds: number;
}

export interface DeliveriesRound {
  /** Deliveries the job sent in the round: the seeded batch and the waking announcement's one. */
  deliveries: number;
  /** From the waking POST until no delivery is pending. */
  elapsedMs: number;
  /** The waking announcement's own request, inside elapsedMs. */
  wakeMs: number;
  perSecond: number;
}

export interface DeliveriesResult {
  guardians: number;
  rounds: DeliveriesRound[];
  medianPerSecond: number;
  /** What the mail dispatcher did beside the job, from the first round's seed to the end. */
  outbox: { written: number; mailed: number; seconds: number };
}

const GUARDIANS = 2_000;
const POLL_MS = 50;
const ROUND_TIMEOUT_MS = 300_000;

/**
 * How fast the `communication.deliveries` job empties a school's email backlog into the
 * platform outbox: 2,000 guardians with verified account emails, and per round a fresh batch of
 * 2,000 pending email deliveries written as `writeNotifications` writes them (set-based, as the
 * owner, nothing woken). The job is then woken the product's way: an announcement by email to
 * one of them (a one-student section), whose commit queues the school's job in the bench
 * server's in-API worker (JOBS_WORKER is on by default). The clock runs from that POST until
 * the table, polled every 50 ms, has nothing pending; every delivery must be `sent` with its
 * mail in `public.mail_outbox`. Sending the outbox's mail (files, in a directory of the run's
 * own) is the mail dispatcher's business and not timed, though it runs in the same process,
 * woken as each batch's mails commit: the mails it sent during the whole run are reported
 * beside the figure, as what it took from the job's CPU.
 */
export async function measureDeliveries(options: DeliveriesOptions): Promise<DeliveriesResult> {
  const mailDir = await mkdtemp(join(tmpdir(), 'bench-mail-'));
  const server = await startBenchServer(options.databaseUrl, { MAIL_DIR: mailDir });
  const db = new Client({ connectionString: options.databaseUrl });
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'deliver');
    const bearer = await signIn(server.port, school);
    await db.connect();
    const wakeSectionId = await seedGuardians(db, school);
    const wake = async (i: number) => {
      const answer = await httpJson(
        server.port,
        'POST',
        '/api/announcements',
        school.host,
        {
          title: `Wake ${i}`,
          body: 'The delivery job is woken by this one.',
          channels: ['email'],
          audience: { kind: 'section_guardians', ids: [wakeSectionId] },
        },
        bearer,
      );
      const body = answer.body as { recipients?: number };
      if (answer.status !== 201 || body.recipients !== 1) {
        throw new Error(`announcing answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
    };

    const rounds: DeliveriesRound[] = [];
    const first = await counts(db);
    const runStarted = performance.now();
    // Round 0 warms the job, its statements and the outbox up; it is not counted.
    for (let i = 0; i <= options.deliveryRounds; i++) {
      const before = await counts(db);
      if (before.pending !== 0) throw new Error(`${before.pending} deliveries left pending`);
      const seeded = await seedDeliveries(db, i);
      if (seeded !== GUARDIANS) throw new Error(`seeded ${seeded} deliveries, not ${GUARDIANS}`);
      const started = performance.now();
      await wake(i);
      const wakeMs = performance.now() - started;
      for (;;) {
        const now = await counts(db);
        if (now.pending === 0) break;
        if (performance.now() - started > ROUND_TIMEOUT_MS)
          throw new Error(`${now.pending} deliveries still pending after ${ROUND_TIMEOUT_MS} ms`);
        await sleep(POLL_MS);
      }
      const elapsedMs = performance.now() - started;
      const after = await counts(db);
      const deliveries = after.sent - before.sent;
      if (
        deliveries !== GUARDIANS + 1 ||
        after.other !== 0 ||
        after.outbox - before.outbox !== deliveries
      ) {
        throw new Error(
          `round ${i}: ${deliveries} sent, ${after.other} not sent, ` +
            `${after.outbox - before.outbox} mails in the outbox; expected ${GUARDIANS + 1} of each`,
        );
      }
      if (i === 0) continue;
      rounds.push({
        deliveries,
        elapsedMs: round(elapsedMs, 1),
        wakeMs: round(wakeMs, 1),
        perSecond: round((deliveries / elapsedMs) * 1000, 0),
      });
    }
    const last = await counts(db);
    const result: DeliveriesResult = {
      guardians: GUARDIANS,
      rounds,
      medianPerSecond: round(median(rounds.map((r) => r.perSecond)), 0),
      outbox: {
        written: last.outbox - first.outbox,
        mailed: last.mailed - first.mailed,
        seconds: round((performance.now() - runStarted) / 1000, 1),
      },
    };
    process.stdout.write(table(result));
    return result;
  } finally {
    await db.end().catch(() => undefined);
    await server.stop();
    await rm(mailDir, { recursive: true, force: true });
  }
}

/**
 * 2,000 guardians, each a profile linked to an account of their own with a verified email
 * (where the job looks first: `public.users`, read as the platform role) and a member of the
 * school; and a one-student section whose guardian is the first of them, for the waking
 * announcement. Written as the owner; answers that section.
 */
async function seedGuardians(db: Client, school: BenchSchool): Promise<string> {
  const schema = `school_${school.host.split('.')[0].replace(/-/g, '_')}`;
  await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
  const made = await db.query<{ id: string }>(
    `WITH org AS (SELECT id FROM public.organizations WHERE schema_name = $2),
          n AS (SELECT n, gen_random_uuid() AS account, gen_random_uuid() AS guardian
                  FROM generate_series(1, $1::int) n),
          u AS (INSERT INTO public.users (id, global_username, email, password_hash,
                                          email_verified_at)
                SELECT account, 'bench-guardian-' || n, 'guardian' || n || '@deliver.example',
                       'not a hash: nobody signs in', now() FROM n),
          m AS (INSERT INTO public.school_memberships (user_id, organization_id)
                SELECT account, org.id FROM n, org),
          p AS (INSERT INTO profiles (id, kind, first_name, last_name, user_id)
                SELECT guardian, 'guardian', 'Bench', 'Guardian ' || n, account FROM n),
          g AS (INSERT INTO guardians (profile_id) SELECT guardian FROM n),
          y AS (INSERT INTO academic_years (name, starts_on, ends_on)
                VALUES ('Bench year', current_date - 100, current_date + 200) RETURNING id),
          pr AS (INSERT INTO programs (code, name) VALUES ('BENCH', 'Bench') RETURNING id),
          lv AS (INSERT INTO academic_levels (program_id, name, position)
                 SELECT id, 'Bench level', 1 FROM pr RETURNING id),
          sec AS (INSERT INTO sections (level_id, academic_year_id, name, capacity)
                  SELECT lv.id, y.id, 'Wake section', 1 FROM lv, y RETURNING id),
          kid AS (INSERT INTO profiles (kind, first_name, last_name)
                  VALUES ('student', 'Bench', 'Student') RETURNING id),
          st AS (INSERT INTO students (profile_id, admission_number, admission_date)
                 SELECT id, 'W-1', current_date FROM kid),
          sg AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                 SELECT kid.id, n.guardian, 'mother' FROM kid, n WHERE n.n = 1),
          ss AS (INSERT INTO section_students (section_id, student_id, joined_on)
                 SELECT sec.id, kid.id, current_date - 30 FROM sec, kid)
     SELECT id FROM sec`,
    [GUARDIANS, schema],
  );
  return made.rows[0].id;
}

/**
 * One notification per guardian and its pending email delivery, in the writer's shape
 * (`notifications-writer.ts`: key `<notification id>:email`, due now), without waking the job.
 */
async function seedDeliveries(db: Client, i: number): Promise<number> {
  const made = await db.query<{ n: string }>(
    `WITH written AS (
       INSERT INTO notifications (profile_id, category, title, body, data, source_key)
       SELECT g.profile_id, 'announcement', 'Notice ' || $1::int,
              'The school closes early on Friday.', '{}'::jsonb, 'bench:' || $1::int
         FROM guardians g
       RETURNING id, profile_id)
     , queued AS (
       INSERT INTO notification_deliveries (notification_id, profile_id, channel, idempotency_key,
                                            not_before)
       SELECT id, profile_id, 'email', id || ':email', now() FROM written
       RETURNING 1)
     SELECT count(*) AS n FROM queued`,
    [i],
  );
  return Number(made.rows[0].n);
}

async function counts(db: Client) {
  const { rows } = await db.query<{
    pending: number;
    sent: number;
    other: number;
    outbox: number;
    mailed: number;
  }>(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status NOT IN ('pending', 'sent'))::int AS other,
            (SELECT count(*)::int FROM public.mail_outbox WHERE template = 'notification') AS outbox,
            (SELECT count(*)::int FROM public.mail_outbox
              WHERE template = 'notification' AND sent_at IS NOT NULL) AS mailed
       FROM notification_deliveries`,
  );
  return rows[0];
}

function table(result: DeliveriesResult): string {
  const each = result.rounds.map((r) => `${r.perSecond}/s (${r.elapsedMs} ms)`).join(', ');
  const wake = result.rounds.map((r) => `${r.wakeMs}`).join(', ');
  return (
    `\nThe delivery job up to the outbox: pending email deliveries to \`sent\`, each mail written` +
    ` to public.mail_outbox; sending the mail itself is not measured.\n` +
    `\n| email deliveries (${result.guardians} guardians, verified accounts) | rounds | median | each round |\n|---|---|---|---|\n` +
    `| ${result.guardians} + 1 pending → sent, from the waking POST | ${result.rounds.length} | ${result.medianPerSecond}/s | ${each} |\n` +
    `| the waking announcement's POST (in the time above) | ${result.rounds.length} | | ${wake} ms |\n` +
    `\nMeanwhile the outbox sent ${result.outbox.mailed} of the ${result.outbox.written} mails the` +
    ` job wrote, in ${result.outbox.seconds} s (warm-up round included).\n`
  );
}
