import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, registerSchool, type TestApp } from './support/test-app';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Every route of the calendar, attendance, exams, fees and communication (and their own views
 * under students and guardians), read from the published OpenAPI document so a route added later is covered
 * too: an anonymous caller at a school's address is refused before anything is read or
 * written. eSewa's return address is public by design (its callback is checked instead).
 */
const document = JSON.parse(readFileSync(join(process.cwd(), 'docs', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
};

const OURS =
  /^\/api\/(calendar|attendance|exams|fees|announcements|messages|notifications|audit-events|imports|exports)|^\/api\/students\/\{id\}\/(attendance|sections|report-card|history|export)|^\/api\/guardians\/my-children\/\{id\}\/(attendance|absence-notes|exam-results|report-card|fees)|^\/api\/academics\/sections\/\{id\}\/students$/;

const PUBLIC = new Set(['/api/fees/esewa/verify']);

const routes: Array<[Method, string]> = Object.entries(document.paths)
  .filter(([path]) => OURS.test(path) && !PUBLIC.has(path))
  .flatMap(([path, operations]) =>
    Object.keys(operations).map(
      (method) => [method.toUpperCase() as Method, path] as [Method, string],
    ),
  );

describe('calendar, attendance, exams, fees and communication refuse anonymous callers', () => {
  let t: TestApp;
  let host: string;

  beforeAll(async () => {
    t = await createTestApp();
    host = (await registerSchool(t.app)).host;
  });
  afterAll(() => t.close());

  it('covers the routes of the school year, exams, fees and communication', () => {
    expect(routes.length).toBeGreaterThan(110);
    expect(routes.some(([, path]) => path.startsWith('/api/notifications'))).toBe(true);
    expect(routes.some(([, path]) => path.startsWith('/api/fees/invoices'))).toBe(true);
  });

  it.each(routes)('%s %s answers 401', async (method, path) => {
    const url = path.replace(/\{[A-Za-z]+\}/g, () => randomUUID());
    const answer = await t.app.inject({
      method,
      url,
      headers: { host },
      payload: method === 'GET' || method === 'DELETE' ? undefined : {},
    });
    expect(answer.statusCode).toBe(401);
    expect(answer.json<{ error: { code: string } }>().error.code).toBeDefined();
  });
});
