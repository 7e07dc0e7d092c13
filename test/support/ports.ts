import { createServer } from 'node:net';

/** A loopback port nobody listens on right now (the OS picks it; a race is unlikely in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}
