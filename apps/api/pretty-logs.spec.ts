import { loadConfig } from '@schoolyard/config';
import { fastify } from 'fastify';
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { registerRequestLog } from './logging';
import {
  formatLogMessage,
  prettyLogStream,
  REQUEST_COMPLETED,
  wantsPrettyLogs,
} from './pretty-logs';

/** What a stream received once the writes in flight have landed. */
async function settled(output: { text: string }, lines: number): Promise<string> {
  for (let attempt = 0; attempt < 100 && output.text.split('\n').length <= lines; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return output.text;
}

function capture(): { stream: PassThrough; output: { text: string } } {
  const stream = new PassThrough();
  const output = { text: '' };
  stream.on('data', (chunk: Buffer) => (output.text += chunk.toString('utf8')));
  return { stream, output };
}

/** An app answering one route, with the request log the API installs, writing to `logger`. */
async function appLoggingTo(logger: pino.Logger) {
  const app = fastify();
  registerRequestLog(app, logger);
  app.get('/api/students', async (_request, reply) => reply.code(200).send({ data: [] }));
  await app.ready();
  return app;
}

describe('development logs', () => {
  it('read a request as method, URL, status, time and school', () => {
    const request = { msg: REQUEST_COMPLETED, method: 'GET', url: '/api/students?page=2' };
    expect(
      formatLogMessage({ ...request, statusCode: 200, responseTimeMs: 3.2, school: 'oxford' }),
    ).toBe('GET /api/students?page=2 200 3.2 ms oxford');
    // At the platform's address there is no school.
    expect(formatLogMessage({ ...request, statusCode: 404, responseTimeMs: 0.4 })).toBe(
      'GET /api/students?page=2 404 0.4 ms',
    );
  });

  it('keep other messages, after the Nest context they came from', () => {
    expect(formatLogMessage({ msg: 'request failed', context: 'Errors' })).toBe(
      '[Errors] request failed',
    );
    expect(formatLogMessage({ msg: 'Nest application successfully started' })).toBe(
      'Nest application successfully started',
    );
  });

  it('are for a terminal outside production; JSON everywhere else', () => {
    const development = loadConfig({ NODE_ENV: 'development' });
    expect(wantsPrettyLogs(development, true)).toBe(true);
    expect(wantsPrettyLogs(development, false)).toBe(false);
    expect(wantsPrettyLogs(development, undefined)).toBe(false);
    expect(
      wantsPrettyLogs(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }), true),
    ).toBe(false);
    // Production's own settings (secrets, HTTPS addresses) do not matter here.
    const production = { ...development, environment: 'production' as const };
    expect(wantsPrettyLogs(production, true)).toBe(false);
  });

  it('write one line per request, with no headers', async () => {
    const { stream, output } = capture();
    const app = await appLoggingTo(pino(prettyLogStream({ colorize: false, destination: stream })));
    await app.inject({
      method: 'GET',
      url: '/api/students',
      headers: { authorization: 'Bearer secret-token', cookie: 'sy_access=secret-cookie' },
    });
    await app.close();
    const text = await settled(output, 1);
    expect(text.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/api\/students 200 [\d.]+ ms$/),
    ]);
  });
});

describe('production logs', () => {
  it('are one JSON object per request, with the same fields and no headers', async () => {
    const { stream, output } = capture();
    const app = await appLoggingTo(pino(stream));
    await app.inject({
      method: 'GET',
      url: '/api/students',
      headers: { authorization: 'Bearer secret-token', cookie: 'sy_access=secret-cookie' },
    });
    await app.close();
    const lines = (await settled(output, 1)).trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: REQUEST_COMPLETED, method: 'GET', statusCode: 200 });
    expect(lines[0]).not.toMatch(/secret|headers/);
  });
});
