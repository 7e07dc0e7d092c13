import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { type SchoolyardStore } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { ClsService } from 'nestjs-cls';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { currentRequestId, inJobContext, type JobEnvelope } from './job-context';
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

export type JobHandler<T> = (data: T, job: PgBoss.Job<T & JobEnvelope>) => Promise<void>;

/**
 * Where a queue's jobs go once their retries are spent: a queue nobody works, kept for an
 * operator to read (`SELECT * FROM pgboss.job WHERE name = 'mail.deliver.dead'`) or resend.
 */
export function deadLetterOf(queue: JobQueue): string {
  return `${queue.name}.dead`;
}

/** Dead letters are kept a fortnight (pg-boss counts retention in minutes). */
const DEAD_LETTER_RETENTION_MINUTES = 14 * 24 * 60;

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
    // Absent where a test builds the runner by hand: jobs then carry no request id.
    @Optional() private readonly cls?: ClsService<SchoolyardStore>,
  ) {
    this.boss = new PgBoss({
      connectionString: urls.ownerUrl,
      schema: config.jobs.schema,
      max: 2,
      application_name: 'schoolyard-jobs',
      // Maintenance (expiring, archiving, deleting old jobs) is the workers' business.
      supervise: config.jobs.worker,
      // Maintenance also fails jobs whose worker died mid-run (their expiry passed while
      // active), which sends them back for a retry: this is the longest they wait for that.
      maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
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
   * Stops fetching, waits up to JOBS_STOP_TIMEOUT_SECONDS for jobs in flight, hands back any
   * still running (failed by the timeout, so retried elsewhere) and closes pg-boss's pool.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.starting) return;
      const started = await this.starting.then(
        () => true,
        () => false,
      );
      if (started) {
        await this.boss.stop({
          graceful: true,
          wait: true,
          timeout: this.config.jobs.stopTimeoutSeconds * 1000,
        });
      }
    })();
    return this.stopping;
  }

  /** Creates the queue and its dead-letter queue unless they exist; every use waits for this. */
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
   * Sends a job with the queue's retries, back-off and dead letter; answers its id, or null
   * when the queue's policy and the singleton key say the same work is already waiting. With
   * `options.db` (see `jobsDbOf`) the job is written in the caller's transaction. Sent during a
   * request, the job carries the request's id.
   */
  async send<T extends object>(
    queue: JobQueue,
    data: T,
    options: PgBoss.SendOptions = {},
  ): Promise<string | null> {
    await this.defineQueue(queue);
    return this.boss.send(queue.name, this.envelope(data), {
      ...this.retriesOf(queue),
      ...options,
    });
  }

  /**
   * Sends a job at most once per `seconds` for the key, across every process: for sweeps that
   * every worker starts on a timer but that should run once per period in the fleet.
   */
  async sendOncePer<T extends object>(
    queue: JobQueue,
    data: T,
    seconds: number,
    key: string,
  ): Promise<string | null> {
    await this.defineQueue(queue);
    return this.boss.sendThrottled(
      queue.name,
      this.envelope(data),
      this.retriesOf(queue),
      seconds,
      key,
    );
  }

  /**
   * A fleet sweep: works `queue` with `sweep` and offers its job from this process's timer
   * every `tickMs`, sent at most once per `periodSeconds` in the whole fleet (whichever
   * process's timer is first). Answers the function that stops the timer, to call before the
   * job runner stops (no offer may reach a stopped runner). In workers only.
   */
  async sweepEvery(
    queue: JobQueue,
    periodSeconds: number,
    tickMs: number,
    sweep: () => Promise<unknown>,
  ): Promise<() => void> {
    await this.work(queue, async () => {
      await sweep();
    });
    const timer = setInterval(() => {
      this.sendOncePer(queue, {}, periodSeconds, 'sweep').catch((error: unknown) =>
        this.logger.warn(
          { err: error, queue: queue.name },
          'sweep not queued; the next tick tries',
        ),
      );
    }, tickMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * Works the queue's jobs one at a time, in workers only; a handler that throws is retried
   * with the queue's back-off, and once its retries are spent the job goes to the dead letter.
   * Each job runs in a context of its own carrying the id of the request that sent it.
   */
  async work<T extends object>(queue: JobQueue, handler: JobHandler<T>): Promise<void> {
    if (!this.isWorker) return;
    await this.defineQueue(queue);
    // Known once pg-boss has started the worker; its first job may come before that.
    const worker: { id?: string } = {};
    const id = await this.boss.work<T & JobEnvelope>(queue.name, { batchSize: 1 }, async (jobs) => {
      for (const job of jobs) {
        const requestId = job.data.requestId ?? `job:${job.id}`;
        await inJobContext(this.cls, requestId, () => handler(job.data, job)).catch(
          (error: unknown) => {
            this.logger.warn(
              { err: error, reqId: requestId, queue: queue.name, jobId: job.id },
              'job failed; retried with back-off until its retries are spent',
            );
            throw error;
          },
        );
      }
      // pg-boss pauses a polling interval after every fetch, found work or not, which held
      // each worker to one job per interval (a school's 2,000 mails took over an hour): after
      // a job done, fetch again at once. An empty queue or a failed job still waits.
      if (worker.id) this.boss.notifyWorker(worker.id);
    });
    worker.id = id;
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
    if ((await this.boss.getQueue(queue.name)) && (await this.boss.getQueue(deadLetterOf(queue)))) {
      return;
    }
    const lock = new Client({
      connectionString: this.urls.ownerUrl,
      application_name: 'schoolyard-jobs-setup',
    });
    await lock.connect();
    const store = new QueueCreationStore(lock);
    try {
      await store.begin();
      await store.lockQueueCreation(`schoolyard.jobs.queues.${this.config.jobs.schema}`);
      const deadLetter = deadLetterOf(queue);
      if (!(await this.boss.getQueue(deadLetter))) {
        await this.boss.createQueue(deadLetter, {
          name: deadLetter,
          policy: 'standard',
          retryLimit: 0,
          retentionMinutes: DEAD_LETTER_RETENTION_MINUTES,
        });
      }
      if (!(await this.boss.getQueue(queue.name))) {
        const { name, ...options } = queue;
        await this.boss.createQueue(name, { name, ...options, deadLetter });
      }
      await store.commit();
    } catch (error) {
      await store.rollback().catch(() => undefined);
      throw error;
    } finally {
      await lock.end().catch(() => undefined);
    }
  }

  /** Each job names its dead letter itself: a queue made before dead letters had none. */
  private retriesOf(queue: JobQueue): PgBoss.SendOptions {
    return {
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelay,
      retryBackoff: queue.retryBackoff,
      expireInSeconds: queue.expireInSeconds,
      deadLetter: deadLetterOf(queue),
    };
  }

  private envelope<T extends object>(data: T): T & JobEnvelope {
    const requestId = currentRequestId(this.cls);
    return requestId === undefined || 'requestId' in data ? data : { ...data, requestId };
  }
}
