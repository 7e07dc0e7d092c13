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
import { type JobQueue, Jobs, jobsDbOf, OutboxSweep } from '@schoolyard/jobs';
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
  private readonly sweep: OutboxSweep;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    private readonly jobs: Jobs,
    private readonly delivery: MailDelivery,
    private readonly outbox: OutboxRepository,
    notifications: DatabaseNotifications,
  ) {
    this.queue = deliverMailQueue(config);
    this.sweep = new OutboxSweep({
      what: 'mail',
      logger: this.logger,
      batchSize: BATCH,
      prepare: () => this.jobs.defineQueue(this.queue),
      queueBatch: () => this.queueBatch(),
      queued: () => this.jobs.wake(this.queue),
    });
    if (jobs.isWorker) {
      // After a lost connection, rows committed meanwhile were announced to nobody: sweep.
      notifications.subscribe(
        'mail_outbox',
        () => this.sweep.kick(),
        () => this.sweep.kick(),
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<DeliverMailJob>(this.queue, async ({ id }) => {
      await this.delivery.deliver(id);
    });
    this.sweep.start(SWEEP_INTERVAL_MS);
  }

  /** Stops sweeping and waits for a sweep in flight; the job runner stops after this. */
  onModuleDestroy(): Promise<void> {
    return this.sweep.stop();
  }

  /** Queues a delivery for every unqueued row; concurrent calls share one run. */
  dispatchPending(): Promise<number> {
    return this.sweep.run();
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
