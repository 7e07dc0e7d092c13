import { inOneWrite, interceptQueries, sendQuery as send } from '@schoolyard/database';
import { type PoolClient, type QueryResult } from 'pg';

type QueryArguments = unknown[];

/** Observed at once so an early failure is never "unhandled"; the owner awaits it later. */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Holds back a transaction's opening message (BEGIN and its settings) until the work runs
 * its first query, then writes both at once: with the pool in pipeline mode that is one
 * write and one wait instead of two round trips, and work that runs no query (a cached
 * permission check on a route with nothing to read) opens no transaction at all.
 *
 * The work may also name its last statement (`TenantContext.finalQuery`): the transaction's
 * closing message then goes in the same write, so a handler that runs one statement costs one
 * write and one round trip in all. Every write is a system call, and on loopback the kernel
 * does the receiving side's work in it too: the opening, the statement and COMMIT written
 * apart cost more API CPU than anything else on a short read.
 *
 * PostgreSQL runs them in order on one connection, so the first query always sees the
 * school's settings; if the opening fails, the query fails with it inside the aborted
 * transaction, and its answer is not handed over until the opening is known to be good. A
 * failed statement leaves the transaction aborted, so the COMMIT sent with it fails and the
 * owner rolls back as it would have.
 */
export class DeferredOpening {
  private opened: Promise<QueryResult> | undefined;
  private closed: Promise<QueryResult> | undefined;
  private finalSql: string | undefined;
  /** Puts the client's own `query` back. */
  readonly restore: () => void;

  constructor(
    private readonly client: PoolClient,
    private readonly openingSql: string,
    private readonly closingSql: string,
  ) {
    // For this transaction only: `restore()` must run before the connection goes back to the
    // pool, whatever happened.
    this.restore = interceptQueries(client, (args) => this.query(args));
  }

  /** Whether anything was sent, so whether there is a transaction to end. */
  get sent(): boolean {
    return this.opened !== undefined;
  }

  /** Whether the closing message already went out with the final statement. */
  get closedWithFinalStatement(): boolean {
    return this.closed !== undefined;
  }

  /** Rejects with the opening's own error if BEGIN or a setting failed. */
  async confirm(): Promise<void> {
    await this.opened;
  }

  /** Rejects with the closing message's error, when it was sent with the final statement. */
  async confirmClosed(): Promise<void> {
    await this.closed;
  }

  /** The next query with exactly this text ends the transaction: COMMIT is written with it. */
  closeWith(sql: string): void {
    this.finalSql = sql;
  }

  private query(args: QueryArguments): Promise<unknown> {
    if (this.closed) {
      throw new Error('The transaction was committed with its final statement: nothing may follow');
    }
    if (typeof args[args.length - 1] === 'function') {
      throw new Error('Tenant transactions run promise-style queries only');
    }
    const final = this.finalSql !== undefined && args[0] === this.finalSql;
    if (this.opened && !final) return send(this.client, args);
    const first = this.opened === undefined;
    const answer = inOneWrite(this.client, () => {
      if (first)
        this.opened = observed(send(this.client, [this.openingSql]) as Promise<QueryResult>);
      const sent = send(this.client, args);
      if (final) {
        this.finalSql = undefined;
        this.closed = observed(send(this.client, [this.closingSql]) as Promise<QueryResult>);
      }
      return sent;
    });
    if (!first) return answer;
    return Promise.allSettled([this.opened, answer]).then(([opened, result]) => {
      if (opened.status === 'rejected') throw opened.reason;
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    });
  }
}
