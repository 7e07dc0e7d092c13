import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { QueueCreationStore } from './jobs.store';

/** A queue as this application declares it; created once per database, whoever comes first. */
export interface JobQueue {
  name: string;
  /**
   * `short` keeps at most one waiting job per singleton key: a key names the work (an outbox
   * row), so sending the same work again while it waits adds nothing.
   */
  policy: PgBoss.QueuePolicy;
  /** How long one run may take before pg-boss counts it failed (and retries it). */
  expireInSeconds: number;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
}

export type JobHandler<T> = (data: T, job: PgBoss.Job<T>) => Promise<void>;

/** How long stopping waits for jobs in flight before pg-boss hands them back as failed. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * The process's job runner: one pg-boss on the owner's database, in a schema of its own, with
 * a pool of two connections. Every process can send; only workers (`JOBS_WORKER`) work jobs
 * and run pg-boss's maintenance. Jobs carry ids, not content: a job's data is visible to
 * anyone who can read the pg-boss schema.
 *
 * Started on bootstrap (or at the first use, whichever comes first) and stopped before the
 * database pools close, so a job in flight still has its connections while it finishes.
 */
@Injectable()
export class Jobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Jobs.name);
  private readonly boss: PgBoss;
  private starting: Promise<void> | undefined;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly workerIds = new Map<string, string[]>();
  private stopping: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
  ) {
    this.boss = new PgBoss({
      connectionString: urls.ownerUrl,
      schema: config.jobs.schema,
      max: 2,
      application_name: 'schoolyard-jobs',
      // Maintenance (expiring, archiving, deleting old jobs) is the workers' business.
      supervise: config.jobs.worker,
      // No cron schedules yet; the timekeeper would add a queue and a polling loop per process.
      schedule: false,
      migrate: true,
    });
    // Without a listener an 'error' event would end the process; pg-boss reports here what
    // its loops meet (a database restart, a failed maintenance run) and carries on.
    this.boss.on('error', (error) => this.logger.warn({ err: error }, 'job runner error'));
  }

  /** Whether this process works jobs. */
  get isWorker(): boolean {
    return this.config.jobs.worker;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Installs or migrates pg-boss's schema (once per database, under its own lock) and starts. */
  start(): Promise<void> {
    this.starting ??= this.boss.start().then(() => undefined);
    return this.starting;
  }

  /**
   * Stops fetching, waits up to 30 s for jobs in flight, hands back any still running (they
   * are retried elsewhere) and closes pg-boss's pool.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.starting) return;
      const started = await this.starting.then(
        () => true,
        () => false,
      );
      if (started) {
        await this.boss.stop({ graceful: true, wait: true, timeout: STOP_TIMEOUT_MS });
      }
    })();
    return this.stopping;
  }

  /** Creates the queue unless it exists; every use of a queue waits for this. */
  defineQueue(queue: JobQueue): Promise<void> {
    let defined = this.queues.get(queue.name);
    if (!defined) {
      defined = this.start().then(() => this.createQueueOnce(queue));
      // A failed attempt is not remembered: the next use tries again.
      defined.catch(() => this.queues.delete(queue.name));
      this.queues.set(queue.name, defined);
    }
    return defined;
  }

  /**
   * Sends a job; answers its id, or null when a job with the same singleton key is already
   * waiting. With `options.db` (see `jobsDbOf`) the job is written in the caller's transaction.
   */
  async send<T extends object>(
    queue: JobQueue,
    data: T,
    options: PgBoss.SendOptions = {},
  ): Promise<string | null> {
    await this.defineQueue(queue);
    return this.boss.send(queue.name, data, options);
  }

  /** Works the queue's jobs one at a time, in workers only; a handler that throws is retried. */
  async work<T extends object>(queue: JobQueue, handler: JobHandler<T>): Promise<void> {
    if (!this.isWorker) return;
    await this.defineQueue(queue);
    const id = await this.boss.work<T>(queue.name, { batchSize: 1 }, async (jobs) => {
      for (const job of jobs) await handler(job.data, job);
    });
    this.workerIds.set(queue.name, [...(this.workerIds.get(queue.name) ?? []), id]);
  }

  /** Wakes this process's workers of the queue now rather than at their next poll. */
  wake(queue: JobQueue): void {
    for (const id of this.workerIds.get(queue.name) ?? []) this.boss.notifyWorker(id);
  }

  /**
   * pg-boss's create_queue is not safe to run concurrently: two processes creating queues at
   * once each insert a queue row and then add a foreign key to the queue table, and deadlock.
   * The test run and a rolling deploy start many processes at once, so creation is serialized
   * by an advisory lock held in a transaction of our own while pg-boss creates the queue.
   */
  private async createQueueOnce(queue: JobQueue): Promise<void> {
    if (await this.boss.getQueue(queue.name)) return;
    const lock = new Client({
      connectionString: this.urls.ownerUrl,
      application_name: 'schoolyard-jobs-setup',
    });
    await lock.connect();
    const store = new QueueCreationStore(lock);
    try {
      await store.begin();
      await store.lockQueueCreation(`schoolyard.jobs.queues.${this.config.jobs.schema}`);
      if (!(await this.boss.getQueue(queue.name))) {
        const { name, ...options } = queue;
        await this.boss.createQueue(name, { name, ...options });
      }
      await store.commit();
    } catch (error) {
      await store.rollback().catch(() => undefined);
      throw error;
    } finally {
      await lock.end().catch(() => undefined);
    }
  }
}
