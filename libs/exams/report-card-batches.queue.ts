import { Injectable, Logger } from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';

/** One batch of report cards to build: `{ schoolId, batchId }`, singleton key the batch id. */
export interface ReportCardBatchJob {
  schoolId: string;
  batchId: string;
}

/**
 * A few retries for what is not the build's fault (the database away, the process stopped);
 * a build that throws marks its batch failed instead, and a retry finds it so.
 */
export const reportCardBatchesQueue: JobQueue = {
  name: 'exams.report-card-batches',
  policy: 'short',
  expireInSeconds: 600,
  retryLimit: 3,
  retryDelay: 30,
  retryBackoff: true,
};

@Injectable()
export class ReportCardBatchesQueue {
  private readonly logger = new Logger('ReportCardBatches');

  constructor(private readonly jobs: Jobs) {}

  /**
   * After the batch's row commits; nobody waits. A job that could not be sent leaves the
   * batch queued, and the office asks for another.
   */
  sendSoon(schoolId: string, batchId: string): void {
    this.jobs
      .send<ReportCardBatchJob>(
        reportCardBatchesQueue,
        { schoolId, batchId },
        { singletonKey: batchId },
      )
      .then((id) => {
        if (id) this.jobs.wake(reportCardBatchesQueue);
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, schoolId, batchId }, 'report card batch job not queued'),
      );
  }
}
