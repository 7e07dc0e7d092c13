import { Client, type PoolClient, type QueryResult } from 'pg';

interface ClientInternals {
  connection: { stream: { cork(): void; uncork(): void } };
}

type QueryArguments = unknown[];
type Query = (this: PoolClient, ...args: QueryArguments) => Promise<unknown>;
/** The prototype's query, looked up at each call (the client's own `query` is ours). */
function send(client: PoolClient, args: QueryArguments): Promise<unknown> {
  return (Client.prototype.query as unknown as Query).apply(client, args);
}

/**
 * Holds back a transaction's opening message (BEGIN and its settings) until the work runs
 * its first query, then writes both at once: with the pool in pipeline mode that is one
 * write and one wait instead of two round trips, and work that runs no query (a cached
 * permission check on a route with nothing to read) opens no transaction at all.
 *
 * PostgreSQL runs the two in order on one connection, so the first query always sees the
 * school's settings; if the opening fails, the query fails with it inside the aborted
 * transaction, and its answer is not handed over until the opening is known to be good.
 */
export class DeferredOpening {
  private opened: Promise<QueryResult> | undefined;

  constructor(
    private readonly client: PoolClient,
    private readonly openingSql: string,
  ) {
    // An own property shadows Client.prototype.query for this transaction only; `restore()`
    // removes it before the connection goes back to the pool.
    (client as { query: unknown }).query = (...args: QueryArguments) => this.firstQuery(args);
  }

  /** Whether anything was sent, so whether there is a transaction to end. */
  get sent(): boolean {
    return this.opened !== undefined;
  }

  /** Rejects with the opening's own error if BEGIN or a setting failed. */
  async confirm(): Promise<void> {
    await this.opened;
  }

  /** Must run before the connection is released, whatever happened. */
  restore(): void {
    delete (this.client as { query?: unknown }).query;
  }

  private firstQuery(args: QueryArguments): Promise<unknown> {
    this.restore();
    if (typeof args[args.length - 1] === 'function') {
      throw new Error('Tenant transactions run promise-style queries only');
    }
    const { stream } = (this.client as unknown as ClientInternals).connection;
    stream.cork();
    let answer: Promise<unknown>;
    try {
      this.opened = send(this.client, [this.openingSql]) as Promise<QueryResult>;
      // Observed here so an early failure is never "unhandled"; confirm() reports it.
      this.opened.catch(() => undefined);
      answer = send(this.client, args);
    } finally {
      stream.uncork();
    }
    return Promise.allSettled([this.opened, answer]).then(([opened, result]) => {
      if (opened.status === 'rejected') throw opened.reason;
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
  }
}
