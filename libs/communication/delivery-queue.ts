import { Injectable, Logger } from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { TenantContext } from '@schoolyard/tenancy';

/** One school's due deliveries: `{ schoolId }`, singleton key the school id. */
export interface DeliveriesJob {
  schoolId: string;
}

/**
 * `stately`: at most one waiting and one running job per school, so a delivery is never sent
 * by two jobs at once; one written while the school's job runs is picked up by the one waiting
 * behind it. Deliveries held by quiet hours or retried later are found again by the fleet
 * sweep, which queues the schools that have deliveries due.
 */
export const deliveriesQueue: JobQueue = {
  name: 'communication.deliveries',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 6,
  retryDelay: 30,
  retryBackoff: true,
};

/** Sends a school's delivery job: after the commit that wrote deliveries, and from the sweep. */
@Injectable()
export class DeliveryQueue {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly jobs: Jobs,
    private readonly tenant: TenantContext,
  ) {}

  /** Answers whether a job was queued (false: one is already waiting for the school). */
  async send(schoolId: string): Promise<boolean> {
    const id = await this.jobs.send<DeliveriesJob>(
      deliveriesQueue,
      { schoolId },
      { singletonKey: schoolId },
    );
    if (id) this.jobs.wake(deliveriesQueue);
    return id !== null;
  }

  /**
   * In a school's transaction: queue the school's job once it commits (a rolled-back change
   * sends nothing). A job that could not be sent is left to the fleet sweep.
   */
  wakeAfterCommit(): void {
    const schoolId = this.tenant.school.id;
    this.tenant.afterCommit(() => {
      this.send(schoolId).catch((error: unknown) =>
        this.logger.warn({ err: error, schoolId }, 'delivery job not queued; the sweep will'),
      );
    });
  }
}
