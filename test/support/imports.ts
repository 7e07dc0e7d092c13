import { type LightMyRequestResponse } from 'fastify';
import { randomBytes } from 'node:crypto';
import { bodyOf } from './caller';
import { type RegisteredSchool, type SignedIn, type TestApp, withOwnerClient } from './test-app';

export interface ImportBody {
  id: string;
  kind: string;
  dryRun: boolean;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  fileName: string;
  rows: number;
  created: number;
  unchanged: number;
  errors: { row: number; column: string | null; code: string; message: string }[];
}

export const STUDENT_HEADER =
  'admissionNumber,firstName,middleName,lastName,email,admissionDate,dateOfBirth,gender,status';

/** A multipart/form-data body as a browser sends it: text fields, then the file part. */
export function multipartForm(
  fields: Record<string, string>,
  file?: { name: string; content: Buffer | string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----schoolyard${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          'Content-Type: text/csv\r\n\r\n',
      ),
      Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** POST /api/imports as `who`, answering the raw response. */
export function postImport(
  t: TestApp,
  school: RegisteredSchool,
  who: SignedIn | null,
  kind: string,
  csv: Buffer | string,
  options: { dryRun?: boolean; name?: string } = {},
): Promise<LightMyRequestResponse> {
  const fields: Record<string, string> = { kind };
  if (options.dryRun !== undefined) fields.dryRun = String(options.dryRun);
  const form = multipartForm(fields, { name: options.name ?? `${kind}.csv`, content: csv });
  return t.app.inject({
    method: 'POST',
    url: '/api/imports',
    headers: { host: school.host, ...who?.bearer, ...form.headers },
    payload: form.payload,
  });
}

/** Polls GET /api/imports/:id until the job has finished (or 20 s pass). */
export async function finishedImport(
  t: TestApp,
  school: RegisteredSchool,
  who: SignedIn,
  id: string,
): Promise<ImportBody> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/imports/${id}`,
      headers: { host: school.host, ...who.bearer },
    });
    const body = bodyOf<ImportBody>(response, 200);
    if (body.status === 'succeeded' || body.status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Uploads and waits: the finished import. */
export async function importFile(
  t: TestApp,
  school: RegisteredSchool,
  who: SignedIn,
  kind: string,
  csv: Buffer | string,
  options: { dryRun?: boolean } = {},
): Promise<ImportBody> {
  const queued = bodyOf<ImportBody>(await postImport(t, school, who, kind, csv, options), 202);
  return finishedImport(t, school, who, queued.id);
}

/** Puts the school on a plan of its own with these limits. */
export async function planWithLimits(
  school: RegisteredSchool,
  maxStudents: number | null,
  maxStaff: number | null,
): Promise<void> {
  const plan = `imports-${randomBytes(4).toString('hex')}`;
  await withOwnerClient(async (db) => {
    await db.query(
      `INSERT INTO plans (code, name, price_minor, max_students, max_staff, purchasable)
       VALUES ($1, 'Import test', 0, $2, $3, false)`,
      [plan, maxStudents, maxStaff],
    );
    await db.query(`UPDATE subscriptions SET plan_code = $1 WHERE organization_id = $2`, [
      plan,
      school.id,
    ]);
  });
}

/** A students CSV: `n` valid rows numbered from `from`. */
export function studentRows(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return `A-${String(k).padStart(5, '0')},Stu${k},,Dent${k},stu${k}@example.org,2025-09-01,2014-05-0${(k % 9) + 1},${k % 2 ? 'female' : 'male'},active`;
  });
}

export const csvOf = (header: string, rows: string[]) => `${[header, ...rows].join('\r\n')}\r\n`;
