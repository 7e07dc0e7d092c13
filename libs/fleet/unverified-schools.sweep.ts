import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { UnverifiedSchools } from './unverified-schools.service';

/** The sweep of the whole fleet, run as the owner account; no data of its own. */
export const unverifiedSweepQueue: JobQueue = {
  name: 'fleet.suspend-unverified',
  policy: 'stately',
  expireInSeconds: 600,
  retryLimit: 3,
  retryDelay: 60,
  retryBackoff: true,
};

const HOUR_SECONDS = 60 * 60;
/** Each worker offers the sweep this often; the hour's first offer in the fleet is the one kept. */
const TICK_MS = 5 * 60 * 1000;

/**
 * Suspends overdue unverified schools once an hour across the fleet, so an operator need not
 * remember `tenants suspend-unverified`. Every worker's timer sends a throttled job (one per
 * hour for the whole fleet, whichever worker sends it first); a failed sweep is retried with
 * back-off. The first offer comes five minutes after start: a grace period counted in days
 * loses nothing, and a fleet restarted together does not sweep during its start-up.
 */
@Injectable()
export class UnverifiedSchoolsSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UnverifiedSchools');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly schools: UnverifiedSchools,
    private readonly jobs: Jobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker || this.config.accounts.unverifiedSchoolSuspendDays === 0) return;
    await this.jobs.work(unverifiedSweepQueue, async () => {
      await this.sweep();
    });
    this.timer = setInterval(() => this.offer(), TICK_MS);
    this.timer.unref();
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One sweep; throws when it fails, so that its job is retried. */
  async sweep(): Promise<string[]> {
    const { suspended } = await this.schools.suspendOverdue();
    if (suspended.length) {
      this.logger.warn(
        `Suspended ${suspended.length} school(s) whose owner never verified their email: ${suspended.join(', ')}`,
      );
    }
    return suspended;
  }

  private offer(): void {
    this.jobs
      .sendOncePer(unverifiedSweepQueue, {}, HOUR_SECONDS, 'hourly')
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error },
          'unverified-schools sweep not queued; the next tick tries',
        ),
      );
  }
}

/** The fleet's scheduled work, for processes with the job runner (the API, the worker). */
@Module({ providers: [UnverifiedSchoolsSweep], exports: [UnverifiedSchoolsSweep] })
export class FleetJobsModule {}
