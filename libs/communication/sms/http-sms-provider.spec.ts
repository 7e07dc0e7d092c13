import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { HttpSmsProvider } from './http-sms-provider';
import { SmsSendError } from './sms-provider';

interface Seen {
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A gateway on a local port that answers each request with the next of `answers`. */
async function gateway(
  answers: Array<(response: ServerResponse) => void>,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      seen.push({ headers: request.headers, body: JSON.parse(raw) });
      // One request per connection: no kept-alive socket outlives a test.
      response.shouldKeepAlive = false;
      const answer = answers.shift() ?? ((r: ServerResponse) => r.writeHead(500).end());
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/send`, seen, server };
}

const message = { to: '+9779812345678', text: 'Results are out', idempotencyKey: 'n1:sms' };
const ok = (body: object) => (r: ServerResponse) =>
  r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const status = (code: number) => (r: ServerResponse) => r.writeHead(code).end('{"error":"x"}');

describe('HttpSmsProvider', () => {
  let server: Server | undefined;
  afterEach(async () => {
    // fetch keeps connections alive: closed here, or the server would wait for them.
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('posts {to, text} with the idempotency key and the bearer token, and keeps the reference', async () => {
    const local = await gateway([ok({ id: 'gw-42' })]);
    server = local.server;
    const provider = new HttpSmsProvider({ url: local.url, token: 's3cret', timeoutMs: 2000 });
    await expect(provider.send(message)).resolves.toEqual({ providerRef: 'gw-42' });
    expect(local.seen).toHaveLength(1);
    expect(local.seen[0].body).toEqual({ to: '+9779812345678', text: 'Results are out' });
    expect(local.seen[0].headers['idempotency-key']).toBe('n1:sms');
    expect(local.seen[0].headers.authorization).toBe('Bearer s3cret');
  });

  it('classes 5xx and 429 as retryable and a 400 as permanent, sending the same key again', async () => {
    const local = await gateway([status(500), status(429), status(400), ok({ messageId: 7 })]);
    server = local.server;
    const provider = new HttpSmsProvider({ url: local.url, token: undefined, timeoutMs: 2000 });
    const kindOf = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'sent',
        (error: unknown) => (error instanceof SmsSendError ? error.kind : 'other'),
      );
    expect(await kindOf(provider.send(message))).toBe('retryable');
    expect(await kindOf(provider.send(message))).toBe('retryable');
    expect(await kindOf(provider.send(message))).toBe('permanent');
    await expect(provider.send(message)).resolves.toEqual({ providerRef: '7' });
    expect(local.seen.map((s) => s.headers['idempotency-key'])).toEqual([
      'n1:sms',
      'n1:sms',
      'n1:sms',
      'n1:sms',
    ]);
    expect(local.seen[0].headers.authorization).toBeUndefined();
  });

  it('classes a timeout and an unreachable gateway as retryable', async () => {
    const local = await gateway([() => undefined]);
    server = local.server;
    const slow = new HttpSmsProvider({ url: local.url, token: undefined, timeoutMs: 150 });
    await expect(slow.send(message)).rejects.toMatchObject({ kind: 'retryable' });
    server.closeAllConnections();
    const gone = new HttpSmsProvider({
      url: 'http://127.0.0.1:1/send',
      token: undefined,
      timeoutMs: 500,
    });
    await expect(gone.send(message)).rejects.toMatchObject({ kind: 'retryable' });
  });
});
