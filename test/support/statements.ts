import { Client } from 'pg';

/**
 * Statements `work` sends on connections of `user` (the API's request login), the fewest of
 * three runs: background work (cache refills, other suites' mail) can only add.
 */
export async function statementsSent(work: () => Promise<unknown>, user: string): Promise<number> {
  const counts: number[] = [];
  for (let run = 0; run < 3; run++) {
    const original = Client.prototype.query;
    let count = 0;
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      if (this.user === user) count += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await work();
    } finally {
      Client.prototype.query = original;
    }
    counts.push(count);
  }
  return Math.min(...counts);
}
