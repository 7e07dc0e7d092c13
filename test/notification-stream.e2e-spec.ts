import { RequestPool } from '@schoolyard/database';
import { StreamHub } from '@schoolyard/communication';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { enterMarks, examTerm, examWithPapers } from './support/exam-fixtures';
import { inSchema } from './support/school-year';
import { createTestApp, type SignedIn, type TestApp } from './support/test-app';

/**
 * Two API instances in this process on one database: a stream opened on one hears what is
 * written through the other, because every instance LISTENs to the notifications trigger.
 * Instance A runs with the request log and metrics hooks on, as production does.
 */
interface Instance {
  t: TestApp;
  port: number;
  /** What its logger wrote, one JSON line each. */
  lines: string[];
  closed?: true;
}

async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const lines: string[] = [];
  const t = await createTestApp(env, [], { write: (line: string) => void lines.push(line) });
  await t.app.listen(0, '127.0.0.1');
  return { t, port: (t.app.getHttpServer().address() as AddressInfo).port, lines };
}

interface StreamEvent {
  event: string;
  id?: string;
  data: Record<string, unknown>;
}

interface OpenStream {
  status: number;
  headers: IncomingMessage['headers'];
  /** The whole body when the answer is a refusal. */
  text(): string;
  events(): StreamEvent[];
  ended(): Promise<void>;
  close(): void;
}

/** A GET of the stream over a real socket, read as it arrives. */
function openStream(
  instance: Instance,
  host: string,
  who: SignedIn | null,
  headers: Record<string, string> = {},
): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: '127.0.0.1',
        port: instance.port,
        path: '/api/notifications/stream',
        headers: { host, ...who?.bearer, ...headers },
      },
      (answer) => {
        let received = '';
        const ended = new Promise<void>((done) => answer.once('close', done));
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => (received += chunk));
        const stream: OpenStream = {
          status: answer.statusCode ?? 0,
          headers: answer.headers,
          text: () => received,
          events: () =>
            received
              .split('\n\n')
              .filter((block) => /^event: /m.test(block))
              .map((block) => {
                const field = (name: string) =>
                  block.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1];
                return {
                  event: field('event')!,
                  id: field('id'),
                  data: JSON.parse(field('data') ?? '{}') as Record<string, unknown>,
                };
              }),
          ended: () => ended,
          close: () => sent.destroy(),
        };
        if (stream.status !== 200) {
          answer.once('end', () => resolve(stream));
          return;
        }
        // The opening comment arrives at once: from then on the stream is routed to.
        answer.once('data', () => resolve(stream));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** A notification written behind the API's back, as the owner in the school's schema: the trigger fires all the same. */
async function notifyWithSql(c: Campus, profileId: string, title: string): Promise<string> {
  const [row] = await inSchema<{ id: string }>(
    c.school,
    `INSERT INTO notifications (profile_id, category, title, body, source_key)
     VALUES ($1, 'announcement', $2, 'Body', gen_random_uuid()::text) RETURNING id`,
    [profileId, title],
  );
  return row.id;
}

describe('GET /api/notifications/stream', () => {
  let a: Instance;
  let b: Instance;
  let c: Campus;
  let other: Campus;
  const opened: OpenStream[] = [];
  const open = async (...args: Parameters<typeof openStream>) => {
    const stream = await openStream(...args);
    opened.push(stream);
    return stream;
  };

  beforeAll(async () => {
    a = await startInstance({ LOG_LEVEL: 'info', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
    b = await startInstance();
    c = await campus(a.t);
    other = await campus(a.t);
  }, 120_000);

  afterEach(() => {
    for (const stream of opened.splice(0)) stream.close();
  });

  afterAll(async () => {
    for (const instance of [a, b]) if (instance && !instance.closed) await instance.t.close();
  });

  it('answers 401 to an anonymous caller and to a token of another school, as JSON', async () => {
    const anonymous = await open(a, c.school.host, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(anonymous.text()).error.code).toBe('AUTHENTICATION_REQUIRED');
    const elsewhere = await open(a, other.school.host, c.as.gwen);
    expect(elsewhere.status).toBe(401);
  });

  it('streams with the security headers and CORS of any answer', async () => {
    const origin = `http://${c.school.host}`;
    const stream = await open(a, c.school.host, c.as.gwen, { origin });
    expect(stream.status).toBe(200);
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
    });
    expect(stream.text()).toContain('retry: ');
  });

  it('delivers results published through instance B to streams open on instance A, to their own people only', async () => {
    const [gwen, ana, ben, ines] = await Promise.all([
      open(a, c.school.host, c.as.gwen),
      open(a, c.school.host, c.as.ana),
      open(a, c.school.host, c.as.ben),
      open(a, c.school.host, c.as.ines),
    ]);
    const otherGwen = await open(a, other.school.host, other.as.gwen);
    const termId = await examTerm(c.school);
    const exam = await examWithPapers(c.school, {
      termId,
      levelIds: [c.level.id],
      name: 'Midterm',
      papers: [{ subjectId: c.subject.id }],
    });
    // Ben has no mark: no result, no notification.
    await enterMarks(c.school, [[exam.paperIds[0], c.ids.ana, 70]]);

    bodyOf(await caller(b.t)(c.school, c.owner, 'POST', `/api/exams/${exam.examId}/publish`), 200);

    await until(() => gwen.events().length > 0 && ana.events().length > 0, 'both hear of it');
    for (const [stream, profileId] of [
      [gwen, c.ids.gwen],
      [ana, c.ids.ana],
    ] as const) {
      expect(stream.events()).toEqual([
        {
          event: 'notification',
          id: expect.any(String),
          data: {
            id: expect.any(String),
            profileId,
            category: 'results',
            title: 'Results published: Midterm',
            createdAt: expect.any(String),
          },
        },
      ]);
      expect(stream.events()[0].id).toBe(stream.events()[0].data.id);
    }
    // Another school's notification, written after, arrives there: so by now it would have here.
    await notifyWithSql(other, other.ids.gwen, 'Elsewhere');
    await until(() => otherGwen.events().length === 1, 'the other school hears its own');
    expect(otherGwen.events()[0].data).toMatchObject({
      title: 'Elsewhere',
      profileId: other.ids.gwen,
    });
    expect(gwen.events()).toHaveLength(1);
    expect(ben.events()).toEqual([]);
    expect(ines.events()).toEqual([]);
  });

  it('holds no pooled connection while streams are open, and caps streams per account', async () => {
    const pool = a.t.app.get(RequestPool);
    const hub = a.t.app.get(StreamHub);
    // The previous test's streams, closed by the client, are forgotten once the socket closes.
    await until(() => hub.openStreams === 0, 'earlier streams forgotten');
    const streams: OpenStream[] = [];
    for (let i = 0; i < 5; i++) streams.push(await open(a, c.school.host, c.as.ines));
    streams.push(await open(a, c.school.host, c.as.otto));
    expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(hub.openStreams).toBe(6);
    const stats = pool.stats()!;
    expect(stats.open - stats.idle).toBe(0);
    expect(stats.waiting).toBe(0);

    const sixth = await open(a, c.school.host, c.as.ines);
    expect(sixth.status).toBe(429);
    expect(JSON.parse(sixth.text()).error.code).toBe('TOO_MANY_STREAMS');
    // The cap is per instance: B holds none of Ines's streams.
    expect((await open(b, c.school.host, c.as.ines)).status).toBe(200);

    // A closed stream gives its place back.
    streams[0].close();
    await until(() => hub.openStreams === 5, 'the closed stream is forgotten');
    expect((await open(a, c.school.host, c.as.ines)).status).toBe(200);

    // Still delivering, and the request log and metrics hooks have not stopped anything.
    await notifyWithSql(c, c.ids.otto, 'For Otto');
    await until(() => streams[5].events().length === 1, 'Otto hears of it');
    expect((await caller(a.t)(c.school, c.as.otto, 'GET', '/api/auth/me')).statusCode).toBe(200);
    const logged = a.lines.map((line) => JSON.parse(line) as { level: number; url?: string });
    expect(logged.some((line) => line.url === '/api/auth/me')).toBe(true);
    expect(logged.filter((line) => line.level >= 50)).toEqual([]);
  });

  it('ends its open streams when the instance stops, so stopping does not wait on them', async () => {
    const stream = await open(b, c.school.host, c.as.cleo);
    expect(stream.status).toBe(200);
    b.closed = true;
    await b.t.close();
    await stream.ended();
    expect(b.t.app.get(StreamHub).openStreams).toBe(0);
  });
});
