import { type Logger } from '@nestjs/common';

export interface OutboxSweepOptions {
  /** What the sweep moves, for its warning line ("mail", "account cascade"). */
  what: string;
  logger: Logger;
  /** Rows claimed per batch: a batch that claims fewer is the last of a run. */
  batchSize: number;
  /** Before a run: the queue the batches send to exists. */
  prepare: () => Promise<void>;
  /** Claims up to `batchSize` rows and writes their jobs in one transaction; answers how many. */
  queueBatch: () => Promise<number>;
  /** After a batch that queued jobs: wake this process's workers. */
  queued: () => void;
}

/**
 * The loop of an outbox dispatcher (mail, the account cascade): rows of a table become jobs,
 * a batch at a time, whenever the table's NOTIFY or a periodic sweep wakes it. Wake-ups during
 * a run share it and make it go round once more, so a row committed mid-run is not left for
 * the next sweep.
 */
export class OutboxSweep {
  private running: Promise<number> | undefined;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: OutboxSweepOptions) {}

  /** A run now, then one every `intervalMs` for rows written while nobody listened. */
  start(intervalMs: number): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  /** Queues every claimable row; concurrent calls share one run. Answers how many it queued. */
  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    return this.running;
  }

  /** A run whose failure is only logged: the next wake-up or sweep retries. */
  kick(): void {
    if (this.closed) return;
    this.run().catch((error: unknown) =>
      this.options.logger.warn(
        { err: error },
        `${this.options.what} dispatch failed; the next sweep retries`,
      ),
    );
  }

  /** Stops sweeping and waits for a run in flight; the job runner stops after this. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<number> {
    await this.options.prepare();
    let queued = 0;
    while (!this.closed) {
      const batch = await this.options.queueBatch();
      queued += batch;
      if (batch > 0) this.options.queued();
      if (batch < this.options.batchSize) break;
    }
    return queued;
  }
}
