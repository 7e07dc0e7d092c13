import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DatabaseNotifications, OWNER_DATA_SOURCE } from '@schoolyard/database';
import { type JobQueue, Jobs, jobsDbOf, OutboxSweep } from '@schoolyard/jobs';
import { DataSource } from 'typeorm';
import { AccountCascadeRepository } from './account-cascade.repository';
import { AccountCascade } from './account-cascade.service';

/** One deleted or deactivated account's cascade: `{ eventId }`, singleton key the event id. */
export interface CascadeJob {
  eventId: string;
}

/**
 * `stately`: at most one waiting and one running job per event. Ten retries with back-off
 * from 5 s span about an hour and a half; a run over five minutes counts as failed.
 */
export const cascadeQueue: JobQueue = {
  name: 'accounts.cascade',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 10,
  retryDelay: 5,
  retryBackoff: true,
};

/**
 * How long a queued event is left to its job. Longer than the job's retries take: an event
 * whose job went to the dead letter is queued again after this, since an account's links
 * must go in the end.
 */
const QUEUED_CLAIM_SECONDS = 6 * 60 * 60;
const SWEEP_INTERVAL_MS = 30_000;
const BATCH = 100;

/**
 * Turns account events into `accounts.cascade` jobs, in workers only: woken by the events'
 * NOTIFY (sent at commit) and by a sweep at start and every 30 s. An event is claimed in the
 * same owner transaction that writes its job, so it is queued once; the job works it with
 * AccountCascade.processEvent, each school in that school's own transaction and role.
 */
@Injectable()
export class AccountCascadeDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccountCascadeDispatcher.name);
  private readonly sweep = new OutboxSweep({
    what: 'account cascade',
    logger: this.logger,
    batchSize: BATCH,
    prepare: () => this.jobs.defineQueue(cascadeQueue),
    queueBatch: () => this.queueBatch(),
    queued: () => this.jobs.wake(cascadeQueue),
  });

  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    private readonly jobs: Jobs,
    private readonly cascade: AccountCascade,
    private readonly events: AccountCascadeRepository,
    notifications: DatabaseNotifications,
  ) {
    if (jobs.isWorker) {
      // After a lost connection, events committed meanwhile were announced to nobody: sweep.
      notifications.subscribe(
        'account_events',
        () => this.sweep.kick(),
        () => this.sweep.kick(),
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<CascadeJob>(cascadeQueue, async ({ eventId }) => {
      await this.cascade.processEvent(eventId);
    });
    this.sweep.start(SWEEP_INTERVAL_MS);
  }

  /** Stops sweeping and waits for a sweep in flight; the job runner stops after this. */
  onModuleDestroy(): Promise<void> {
    return this.sweep.stop();
  }

  private async queueBatch(): Promise<number> {
    const db = this.owner.createQueryRunner();
    await db.connect();
    try {
      await db.startTransaction();
      const ids = await this.events.claimForJobs(db.manager, QUEUED_CLAIM_SECONDS, BATCH);
      for (const eventId of ids) {
        await this.jobs.send<CascadeJob>(
          cascadeQueue,
          { eventId },
          { singletonKey: eventId, db: jobsDbOf(db) },
        );
      }
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
