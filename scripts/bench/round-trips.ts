import { Controller, Get } from '@nestjs/common';
import { Route } from '@schoolyard/common';
import { Client } from 'pg';
import { httpJson } from './http';
import { round } from './stats';

export interface WireCounts {
  /** Query messages handed to node-postgres. */
  messages: number;
  /** Times a connection had nothing in flight when a message was sent: one wait each. */
  roundTrips: number;
  /** Statements PostgreSQL completed (a multi-statement message counts each). */
  statements: number;
}

const counts: WireCounts = { messages: 0, roundTrips: 0, statements: 0 };
const inFlight = new WeakMap<object, number>();
const watched = new WeakSet<object>();

interface ClientInternals {
  connection: { on(event: 'commandComplete', listener: () => void): void };
}

/**
 * Counts, in the benchmark's server only, what node-postgres sends: every query of every pool
 * goes through Client.prototype.query, so a pipelined message sent while another is still
 * unanswered costs no extra round trip.
 */
export function countWireTraffic(): void {
  const original = Client.prototype.query as unknown as (
    this: Client,
    ...args: unknown[]
  ) => unknown;
  (Client.prototype as unknown as { query: unknown }).query = function counted(
    this: Client,
    ...args: unknown[]
  ): unknown {
    if (!watched.has(this)) {
      watched.add(this);
      (this as unknown as ClientInternals).connection.on('commandComplete', () => {
        counts.statements++;
      });
    }
    const pending = inFlight.get(this) ?? 0;
    counts.messages++;
    if (pending === 0) counts.roundTrips++;
    inFlight.set(this, pending + 1);
    const result = original.apply(this, args);
    const settled = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    if (result instanceof Promise) result.then(settled, settled);
    else settled();
    return result;
  };
}

/** Reads and resets the counts: the benchmark brackets a few sequential requests with it. */
@Controller('bench/wire')
export class WireCountsController {
  @Route({ at: 'anywhere', access: 'public' })
  @Get()
  take(): WireCounts {
    const taken = { ...counts };
    counts.messages = counts.roundTrips = counts.statements = 0;
    return taken;
  }
}

/**
 * What one request costs on the wire: `times` requests one after another (after one to warm
 * the caches), bracketed by reads of the server's counts, divided.
 */
export async function wirePerRequest(
  port: number,
  request: { path: string; host: string; headers?: Record<string, string> },
  times = 20,
): Promise<WireCounts> {
  const send = async () => {
    const answer = await httpJson(
      port,
      'GET',
      request.path,
      request.host,
      undefined,
      request.headers,
    );
    if (answer.status !== 200) throw new Error(`${request.path} answered ${answer.status}`);
  };
  await send();
  await httpJson(port, 'GET', '/bench/wire', 'localhost');
  for (let i = 0; i < times; i++) await send();
  const taken = (await httpJson(port, 'GET', '/bench/wire', 'localhost')).body as WireCounts;
  return {
    messages: round(taken.messages / times, 2),
    roundTrips: round(taken.roundTrips / times, 2),
    statements: round(taken.statements / times, 2),
  };
}
