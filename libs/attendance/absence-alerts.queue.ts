import { Injectable, Logger } from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';

/** One school's pending absence alerts: `{ schoolId }`, singleton key the school id. */
export interface AbsenceAlertsJob {
  schoolId: string;
}

/**
 * `stately`: at most one waiting and one running job per school, so a school's alerts are
 * never sent by two jobs at once, and an alert written while its school's job runs is picked
 * up by the one waiting behind it. Six retries from 30 s span about half an hour; after that
 * the fleet sweep queues the school again.
 */
export const absenceAlertsQueue: JobQueue = {
  name: 'attendance.alerts',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 6,
  retryDelay: 30,
  retryBackoff: true,
};

/** Sends a school's alert job; used after a register's commit and by the fleet sweep. */
@Injectable()
export class AbsenceAlertsQueue {
  private readonly logger = new Logger('AbsenceAlerts');

  constructor(private readonly jobs: Jobs) {}

  /** Answers whether a job was queued (false: one is already waiting for the school). */
  async send(schoolId: string): Promise<boolean> {
    const id = await this.jobs.send<AbsenceAlertsJob>(
      absenceAlertsQueue,
      { schoolId },
      { singletonKey: schoolId },
    );
    if (id) this.jobs.wake(absenceAlertsQueue);
    return id !== null;
  }

  /**
   * After a commit, nobody waits for the answer: a job that could not be sent is left to the
   * fleet sweep, which finds the school's alerts still pending.
   */
  sendSoon(schoolId: string): void {
    this.send(schoolId).catch((error: unknown) =>
      this.logger.warn(
        { err: error, schoolId },
        'absence alert job not queued; the fleet sweep will queue it',
      ),
    );
  }
}
