import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

const ids = new WeakMap<IncomingMessage, string>();
const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * One id per request, shared by the HTTP framework, the logger and the error body: a
 * caller's `X-Request-Id` is kept when it looks like an id, otherwise a UUID is made.
 */
export function requestIdOf(req: IncomingMessage): string {
  let id = ids.get(req);
  if (!id) {
    const offered = req.headers['x-request-id'];
    id = typeof offered === 'string' && ACCEPTABLE.test(offered) ? offered : randomUUID();
    ids.set(req, id);
  }
  return id;
}

/** Fastify and Nest hand around wrappers; the raw Node request is the stable key. */
export function rawRequestOf(req: unknown): IncomingMessage {
  const wrapped = req as { raw?: IncomingMessage };
  return wrapped.raw ?? (req as IncomingMessage);
}
