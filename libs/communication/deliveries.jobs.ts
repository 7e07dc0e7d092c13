import {
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { DeliveriesPlatformRepository } from './deliveries.platform';
import { DeliveriesRepository } from './deliveries.repository';
import { NotificationDeliveries } from './deliveries.service';
import { type DeliveriesJob, deliveriesQueue, DeliveryQueue } from './delivery-queue';
import { smsProvider } from './sms/sms-provider.factory';

/** The fleet sweep for schools with deliveries due; at most once per period. */
export const deliveriesSweepQueue: JobQueue = {
  name: 'communication.deliveries-sweep',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
};

/** Quiet hours end and retries fall due at any minute: the sweep looks every minute. */
const SWEEP_PERIOD_SECONDS = 60;
const TICK_MS = 30_000;

/**
 * Works `communication.deliveries` (one school's due deliveries) and, every minute for the
 * whole fleet (a throttled job, whichever worker's timer sends it first), queues the job of
 * every school with deliveries due: held by quiet hours until now, retried later, written
 * just as their process died, or left 'sending' by a stopped job.
 */
@Injectable()
export class DeliveriesJobs implements OnApplicationBootstrap, OnModuleDestroy {
  private stopSweep: (() => void) | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly deliveries: NotificationDeliveries,
    private readonly platform: DeliveriesPlatformRepository,
    private readonly queue: DeliveryQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<DeliveriesJob>(deliveriesQueue, async ({ schoolId }) => {
      await this.deliveries.deliver(schoolId);
    });
    this.stopSweep = await this.jobs.sweepEvery(
      deliveriesSweepQueue,
      SWEEP_PERIOD_SECONDS,
      TICK_MS,
      () => this.queueDue(),
    );
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    this.stopSweep?.();
  }

  /** Queues the job of every school with deliveries due; answers how many were new. */
  async queueDue(): Promise<number> {
    let queued = 0;
    for (const schoolId of await this.platform.schoolsWithDueDeliveries()) {
      if (await this.queue.send(schoolId)) queued += 1;
    }
    return queued;
  }
}

/**
 * Deliveries as jobs, for processes with the job runner (the API through CommunicationModule,
 * and the worker): the job, the sweep and the SMS provider SMS_PROVIDER names.
 */
@Module({
  providers: [
    DeliveriesRepository,
    DeliveriesPlatformRepository,
    DeliveryQueue,
    NotificationDeliveries,
    DeliveriesJobs,
    smsProvider,
  ],
  exports: [NotificationDeliveries, DeliveriesJobs],
})
export class DeliveriesModule {}
