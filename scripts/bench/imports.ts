import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type BenchSchool, registerBenchSchools, type RunOptions, signIn } from './harness';
import { startBenchServer } from './harness';
import { httpJson } from './http';
import { median, round } from './stats';

const SIZES = [5000, 800] as const;
const POLL_MS = 50;
const HEADER =
  'admissionNumber,firstName,middleName,lastName,email,admissionDate,dateOfBirth,gender,status';

export interface ImportTiming {
  rows: number;
  dryRun: boolean;
  /** POST to `succeeded`, per round, in seconds. */
  seconds: number[];
  medianSeconds: number;
  /** Rows per second at the median. */
  rowsPerSecond: number;
}

export interface ImportsResult {
  rounds: number;
  timings: ImportTiming[];
}

interface ImportView {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  rows: number;
  created: number;
  errors: unknown[];
}

/**
 * A students CSV (the preamble's column contract) imported through `POST /api/imports`,
 * multipart as a browser sends it, then `GET /api/imports/:id` polled every 50 ms until it
 * succeeds: what the office waits for, the worker's queue included. 5,000 and 800 rows, dry
 * run then commit in each round, new admission numbers every round so every commit creates.
 */
export async function measureImports(options: RunOptions): Promise<ImportsResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'imports');
    await roomyPlan(options.databaseUrl);
    const bearer = await signIn(server.port, school);
    const timings: ImportTiming[] = [];
    let batch = 0;
    for (const rows of SIZES) {
      const times = { dry: [] as number[], commit: [] as number[] };
      // A warm-up round (an 800-row dry run) before the first size only.
      if (rows === SIZES[0])
        await importOnce(server.port, school, bearer, studentsCsv(800, batch++), true);
      for (let r = 0; r < options.rounds; r++) {
        const file = studentsCsv(rows, batch++);
        times.dry.push(await importOnce(server.port, school, bearer, file, true, rows));
        times.commit.push(await importOnce(server.port, school, bearer, file, false, rows));
      }
      for (const dryRun of [true, false]) {
        const seconds = dryRun ? times.dry : times.commit;
        const mid = median(seconds);
        timings.push({
          rows,
          dryRun,
          seconds: seconds.map((s) => round(s, 2)),
          medianSeconds: round(mid, 2),
          rowsPerSecond: round(rows / mid, 0),
        });
      }
    }
    const result = { rounds: options.rounds, timings };
    process.stdout.write(table(result));
    return result;
  } finally {
    await server.stop();
  }
}

/** One import from POST to `succeeded`, in seconds; a failed import stops the benchmark. */
async function importOnce(
  port: number,
  school: BenchSchool,
  bearer: Record<string, string>,
  file: string,
  dryRun: boolean,
  expectedRows?: number,
): Promise<number> {
  const started = performance.now();
  const posted = await postMultipart(port, '/api/imports', school.host, bearer, {
    kind: 'students',
    dryRun: String(dryRun),
    file,
  });
  if (posted.status !== 202) {
    throw new Error(`POST /api/imports answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  }
  const { id } = posted.body as { id: string };
  for (;;) {
    const polled = await httpJson(
      port,
      'GET',
      `/api/imports/${id}`,
      school.host,
      undefined,
      bearer,
    );
    const view = polled.body as ImportView;
    if (polled.status !== 200) throw new Error(`GET /api/imports/${id} answered ${polled.status}`);
    if (view.status === 'succeeded') {
      const elapsed = (performance.now() - started) / 1000;
      if (expectedRows !== undefined && view.rows !== expectedRows) {
        throw new Error(`the import read ${view.rows} rows, not ${expectedRows}`);
      }
      if (!dryRun && expectedRows !== undefined && view.created !== expectedRows) {
        throw new Error(`the import created ${view.created} students, not ${expectedRows}`);
      }
      return elapsed;
    }
    if (view.status === 'failed') {
      throw new Error(`import failed: ${JSON.stringify(view.errors.slice(0, 5))}`);
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

/** `rows` new students; `batch` keeps admission numbers and emails apart between rounds. */
export function studentsCsv(rows: number, batch: number): string {
  const lines = [HEADER];
  for (let n = 1; n <= rows; n++) {
    const day = String(1 + (n % 28)).padStart(2, '0');
    lines.push(
      [
        `IMP-${batch}-${n}`,
        `Pupil${n}`,
        n % 3 === 0 ? 'Kumar' : '',
        `Batch${batch}`,
        n % 2 === 0 ? `pupil${n}.b${batch}@imports.example` : '',
        `2025-04-${day}`,
        `2014-0${1 + (n % 9)}-${day}`,
        n % 2 === 0 ? 'female' : 'male',
        'active',
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A multipart/form-data POST: text fields, then the CSV as the part `file`. */
function postMultipart(
  port: number,
  path: string,
  host: string,
  headers: Record<string, string>,
  fields: { kind: string; dryRun: string; file: string },
): Promise<{ status: number; body: unknown }> {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const part = (name: string, value: string, fileName?: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
    (fileName ? `; filename="${fileName}"\r\nContent-Type: text/csv` : '') +
    `\r\n\r\n${value}\r\n`;
  const payload = Buffer.from(
    part('kind', fields.kind) +
      part('dryRun', fields.dryRun) +
      part('file', fields.file, 'students.csv') +
      `--${boundary}--\r\n`,
  );
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: {
          ...headers,
          host,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            // Not JSON: kept as text for the error message.
          }
          done({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

function table(result: ImportsResult): string {
  const lines = result.timings.map(
    (t) =>
      `| ${t.rows} rows, ${t.dryRun ? 'dry run' : 'commit'} | ${t.medianSeconds} s | ${t.rowsPerSecond}/s | ${t.seconds.join(', ')} |\n`,
  );
  return (
    `\n| students import (${result.rounds} rounds, POST to succeeded) | median | rows/s | rounds (s) |\n|---|---|---|---|\n` +
    lines.join('')
  );
}

/**
 * A new school is on the trial plan (50 students): the rounds create some 17,000 students, so
 * the school moves to a plan without a student limit, as a school importing 5,000 would be.
 */
async function roomyPlan(databaseUrl: string): Promise<void> {
  const owner = new Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable)
       VALUES ('imports-bench', 'Bench', 0, false) ON CONFLICT (code) DO NOTHING`,
    );
    await owner.query(`UPDATE public.subscriptions SET plan_code = 'imports-bench'`);
  } finally {
    await owner.end();
  }
}
