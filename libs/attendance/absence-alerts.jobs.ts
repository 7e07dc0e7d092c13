import {
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { AbsenceAlertsDelivery } from './absence-alerts.delivery';
import { AbsenceAlertsPlatformRepository } from './absence-alerts-platform.repository';
import {
  type AbsenceAlertsJob,
  absenceAlertsQueue,
  AbsenceAlertsQueue,
} from './absence-alerts.queue';
import { AbsenceAlertsRepository } from './absence-alerts.repository';

/** The fleet sweep for schools whose alert job was lost; at most once per period. */
export const absenceAlertsSweepQueue: JobQueue = {
  name: 'attendance.alerts-sweep',
  policy: 'stately',
  expireInSeconds: 600,
  retryLimit: 2,
  retryDelay: 60,
  retryBackoff: true,
};

const SWEEP_PERIOD_SECONDS = 15 * 60;
/** Older than this, a pending alert's job is presumed lost (a job normally runs in seconds). */
const STALE_MINUTES = 5;
const TICK_MS = 60_000;

/**
 * Works `attendance.alerts` (one school's pending alerts) and, every fifteen minutes for the
 * whole fleet (a throttled job, whichever worker's timer sends it first), sweeps for schools
 * with alerts pending for over five minutes and queues their jobs: a register saved just as
 * its process died, or a job whose retries were spent, is still served.
 */
@Injectable()
export class AbsenceAlertsJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private stopSweep: (() => void) | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly delivery: AbsenceAlertsDelivery,
    private readonly platform: AbsenceAlertsPlatformRepository,
    private readonly queue: AbsenceAlertsQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<AbsenceAlertsJob>(absenceAlertsQueue, async ({ schoolId }) => {
      await this.delivery.deliver(schoolId);
    });
    this.stopSweep = await this.jobs.sweepEvery(
      absenceAlertsSweepQueue,
      SWEEP_PERIOD_SECONDS,
      TICK_MS,
      () => this.queueStale(),
    );
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    this.stopSweep?.();
  }

  /** Queues the job of every school with stale pending alerts; answers how many were new. */
  async queueStale(minutes = STALE_MINUTES): Promise<number> {
    let queued = 0;
    for (const schoolId of await this.platform.schoolsWithStaleAlerts(minutes)) {
      if (await this.queue.send(schoolId)) queued += 1;
    }
    return queued;
  }
}

/**
 * Absence alerts as jobs, for processes with the job runner (the API through AttendanceModule,
 * and the worker): the register's hook, the job and the sweep.
 */
@Module({
  providers: [
    AbsenceAlertsRepository,
    AbsenceAlertsPlatformRepository,
    AbsenceAlertsQueue,
    AbsenceAlertsDelivery,
    AbsenceAlertsJobs,
  ],
  // The queue too: a module that provides the repository itself (the register's, say) can.
  exports: [AbsenceAlertsRepository, AbsenceAlertsQueue, AbsenceAlertsDelivery, AbsenceAlertsJobs],
})
export class AbsenceAlertsModule {}
