import fc from 'fast-check';
import { type Client } from 'pg';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type SignedIn,
  type TestApp,
  withOwnerClient,
} from '../support/test-app';

/**
 * Every operation of the OpenAPI document, fed malformed bodies, wrong types, huge strings,
 * unicode edge cases, SQL and JSON injection, odd ids and odd Host headers, as the school's
 * Owner (so requests get past the guards to the validation and the rules). The promises:
 * no 5xx, every 4xx in the shared error shape, a rejected request changes nothing in its
 * school, and nothing ever changes in the other school.
 */

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Operation {
  method: Method;
  path: string;
}

/** Would end the session the suite runs on, or sends real mail-like traffic: left out. */
const LEFT_OUT = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/refresh',
  // Opened, an event stream answers until its client leaves: an injected request would wait
  // for the end of an answer that never ends. Its refusals are test/notification-stream's.
  'GET /api/notifications/stream',
]);

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE students; --",
  '" OR ""="',
  '1; SELECT pg_sleep(5)',
  "school_other'.profiles",
  '{"$gt": ""}',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '👩‍👩‍👧‍👦'.repeat(50),
  'ǅ̵̡̛̖͇̪̲̻̣̖̲̘̙̣̩͓̹̠̓̈́̏̃͗̄̕͝',
  '<script>alert(1)</script>',
  '${7*7}',
  'NaN',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
];

const hostile = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
);

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostile,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...INJECTIONS), fc.string()), tie('value'), {
      maxKeys: 5,
    }),
  ),
})).value;

/** A body: JSON of any shape, plausible field names with hostile values, or not JSON at all. */
const body = fc.oneof(
  jsonValue.map((value) => ({ json: value })),
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'code',
        'firstName',
        'lastName',
        'email',
        'password',
        'subdomain',
        'studentIds',
        'permissions',
        'title',
        'kind',
        'points',
        'capacity',
        'planCode',
        'periods',
        'owner',
      ),
      jsonValue,
      { maxKeys: 6 },
    )
    .map((value) => ({ json: value })),
  fc.oneof(fc.constant('{"a":'), fc.constant('\u0000'), fc.string()).map((raw) => ({ raw })),
);

const oddHost = fc.oneof(
  fc.constantFrom('', ' ', '..', 'localhost:99999', 'a'.repeat(300), "x'.example", '[::1]'),
  fc.string({ maxLength: 30 }),
);

describe('hostile input against every endpoint', () => {
  let t: TestApp;
  let target: RegisteredSchool;
  let bystander: RegisteredSchool;
  let owner: SignedIn;
  let operations: Operation[];

  beforeAll(async () => {
    t = await createTestApp({
      RATE_LIMIT_SCHOOL_PER_MINUTE: '1000000',
      RATE_LIMIT_CLIENT_PER_MINUTE: '1000000',
    });
    [target, bystander] = [await registerSchool(t.app), await registerSchool(t.app)];
    owner = await signIn(t.app, target.host, target.ownerUsername);
    const document = (
      await t.app.inject({ url: '/docs-json', headers: { host: 'localhost' } })
    ).json<{ paths: Record<string, Record<string, unknown>> }>();
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .map((method) => ({ method: method.toUpperCase() as Method, path }))
        .filter((op) => !LEFT_OUT.has(`${op.method} ${op.path}`)),
    );
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** One digest of every row of every table of a school's schema. */
  async function fingerprint(db: Client, school: RegisteredSchool): Promise<string> {
    const schema = `school_${school.slug.replace(/-/g, '_')}`;
    const tables = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
      [schema],
    );
    const parts = tables.rows.map(
      ({ name }) =>
        `SELECT '${name}' AS t, md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) AS d
           FROM "${schema}"."${name}" r`,
    );
    const { rows } = await db.query<{ digest: string }>(
      `SELECT md5(string_agg(t || d, ',' ORDER BY t)) AS digest FROM (${parts.join(' UNION ALL ')}) x`,
    );
    return rows[0].digest;
  }

  /** Every byte percent-encoded, so any string fits a path; `raw` ids go in as they are. */
  function fill(path: string, ids: Array<string | { raw: string }>): string {
    let i = 0;
    return path.replace(/\{[^}]+\}/g, () => {
      const id = ids[i++ % ids.length] ?? 'x';
      if (typeof id !== 'string') return id.raw;
      return [...Buffer.from(id, 'utf8')]
        .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
        .join('');
    });
  }

  it('answers no 5xx, only the shared error shape, and a refusal changes nothing', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const seen = new Set<string>();
    const codes = new Set<string>();
    await withOwnerClient(async (db) => {
      const bystanderBefore = await fingerprint(db, bystander);
      let targetBefore = await fingerprint(db, target);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...operations),
          body,
          fc.array(
            fc.oneof(
              fc.uuid(),
              fc.constantFrom(...INJECTIONS),
              fc.string(),
              // Malformed escapes and over-long ids reach Fastify's router, not Nest.
              fc
                .constantFrom('%', '%E0%A4%A', '%ED%A0%80', 'x'.repeat(150))
                .map((raw) => ({ raw })),
            ),
            {
              minLength: 1,
              maxLength: 2,
            },
          ),
          fc.dictionary(
            fc.constantFrom(
              'page',
              'pageSize',
              'search',
              'sort',
              'status',
              'sectionId',
              'permanent',
              'data',
            ),
            hostile.map(String),
            { maxKeys: 3 },
          ),
          fc.option(oddHost, { freq: 6 }),
          async (operation, payload, ids, query, host) => {
            seen.add(`${operation.method} ${operation.path}`);
            const response = await t.app.inject({
              method: operation.method,
              url: fill(operation.path, ids),
              query,
              headers: {
                host: host ?? target.host,
                ...owner.bearer,
                'content-type': 'application/json',
              },
              ...(operation.method === 'GET' || operation.method === 'DELETE'
                ? {}
                : 'json' in payload
                  ? { payload: JSON.stringify(payload.json) }
                  : { payload: payload.raw }),
            });
            const where = `${operation.method} ${operation.path} → ${response.statusCode}: ${response.body.slice(0, 300)}`;
            if (response.statusCode >= 500) throw new Error(where);
            if (response.statusCode >= 400) {
              const error = response.json<{
                error?: { code?: unknown; message?: unknown };
                requestId?: unknown;
              }>();
              if (
                typeof error.error?.code !== 'string' ||
                typeof error.error.message !== 'string' ||
                typeof error.requestId !== 'string'
              ) {
                throw new Error(`not the shared error shape: ${where}`);
              }
              codes.add(String(error.error.code));
              const after = await fingerprint(db, target);
              if (after !== targetBefore)
                throw new Error(`a refused request changed the school: ${where}`);
            } else {
              // An input that happened to be valid may change its own school, never another.
              targetBefore = await fingerprint(db, target);
            }
            if ((await fingerprint(db, bystander)) !== bystanderBefore) {
              throw new Error(`the other school changed: ${where}`);
            }
          },
        ),
        { numRuns: 600, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
      );
    });
    // Drawn at random, so report coverage rather than assume it.
    expect(seen.size).toBeGreaterThan(operations.length * 0.7);
    // The requests got past routing and the guards to the rules: not everything was a 404.
    expect([...codes]).toEqual(expect.arrayContaining(['VALIDATION_FAILED', 'URI_TOO_LONG']));
  }, 600_000);
});
