import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications, OWNER_DATA_SOURCE } from '@schoolyard/database';
import { type JobQueue, Jobs, jobsDbOf } from '@schoolyard/jobs';
import { DataSource } from 'typeorm';
import { type DeliverMailJob, deliverMailQueue, MailDelivery } from './mail-delivery.service';
import { OutboxRepository } from './outbox.repository';

const SWEEP_INTERVAL_MS = 30_000;
const BATCH = 100;

/**
 * Turns outbox rows into delivery jobs, in workers only. Woken by the outbox's NOTIFY (sent at
 * commit, so only committed rows wake it) and by a sweep at start and every 30 s, for rows
 * written while nobody listened.
 *
 * The job is written in the same transaction that sets `queued_at` (pg-boss inserts through
 * that transaction's connection), so a crash leaves either both or neither: a row is never
 * queued twice by a crash between the two. Should it happen anyway (a row reset by hand), the
 * singleton key keeps one waiting job per row and the job itself checks `sent_at`.
 */
@Injectable()
export class MailDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MailDispatcher.name);
  private readonly queue: JobQueue;
  private running: Promise<number> | undefined;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    private readonly jobs: Jobs,
    private readonly delivery: MailDelivery,
    private readonly outbox: OutboxRepository,
    notifications: DatabaseNotifications,
  ) {
    this.queue = deliverMailQueue(config);
    if (jobs.isWorker) {
      // After a lost connection, rows committed meanwhile were announced to nobody: sweep.
      notifications.subscribe(
        'mail_outbox',
        () => this.kick(),
        () => this.kick(),
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<DeliverMailJob>(this.queue, async ({ id }) => {
      await this.delivery.deliver(id);
    });
    this.kick();
    this.timer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep in flight; the job runner stops after this. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Queues a delivery for every unqueued row; concurrent calls share one run. */
  dispatchPending(): Promise<number> {
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

  private kick(): void {
    if (this.closed) return;
    this.dispatchPending().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'mail dispatch failed; the next sweep retries'),
    );
  }

  private async drain(): Promise<number> {
    await this.jobs.defineQueue(this.queue);
    let queued = 0;
    while (!this.closed) {
      const batch = await this.queueBatch();
      queued += batch;
      if (batch > 0) this.jobs.wake(this.queue);
      if (batch < BATCH) break;
    }
    return queued;
  }

  private async queueBatch(): Promise<number> {
    const db = this.owner.createQueryRunner();
    await db.connect();
    try {
      await db.startTransaction();
      const ids = await this.outbox.lockUnqueued(db, BATCH);
      for (const id of ids) {
        await this.jobs.send<DeliverMailJob>(
          this.queue,
          { id },
          {
            singletonKey: id,
            retryLimit: this.queue.retryLimit,
            retryDelay: this.queue.retryDelay,
            retryBackoff: this.queue.retryBackoff,
            db: jobsDbOf(db),
          },
        );
      }
      if (ids.length) await this.outbox.markQueued(db, ids);
      await db.commitTransaction();
      return ids.length;
    } catch (error) {
      if (db.isTransactionActive) await db.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await db.release();
    }
  }
}
