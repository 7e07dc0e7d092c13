import {
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { BillingCoreModule } from './billing.module';
import { PaymentSettlement } from './payment-settlement.service';
import { PaymentsRepository } from './payments.repository';

/** Asks the provider about one payment: `{ paymentId }`, singleton key the payment id. */
export interface RecheckJob {
  paymentId: string;
}

/**
 * A provider that is down is asked again with back-off: six retries from a minute span about
 * an hour; then the job is a dead letter and the next sweep queues the payment again.
 */
export const recheckQueue: JobQueue = {
  name: 'payments.recheck',
  policy: 'stately',
  expireInSeconds: 120,
  retryLimit: 6,
  retryDelay: 60,
  retryBackoff: true,
};

/** Lists the pending payments and queues one recheck each; at most once per period. */
export const recheckSweepQueue: JobQueue = {
  name: 'payments.recheck-sweep',
  policy: 'stately',
  expireInSeconds: 300,
  retryLimit: 2,
  retryDelay: 60,
  retryBackoff: true,
};

/** A payer may still be on the provider's page: younger payments are left to their callback. */
const SETTLE_MINUTES = 30;
const SWEEP_PERIOD_SECONDS = 15 * 60;
const TICK_MS = 60_000;

/**
 * Payments whose browser never came back are completed without a maintainer: every fifteen
 * minutes, fleet-wide (a throttled job, whichever worker's timer sends it first), each
 * payment pending for over half an hour gets a `payments.recheck` job. The job settles it as
 * `payments recheck` does, in the platform's own transaction; settling twice credits once.
 */
@Injectable()
export class PaymentRechecks implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PaymentRechecks.name);
  private stopSweep: (() => void) | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly settlement: PaymentSettlement,
    private readonly payments: PaymentsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<RecheckJob>(recheckQueue, ({ paymentId }) => this.recheck(paymentId));
    this.stopSweep = await this.jobs.sweepEvery(
      recheckSweepQueue,
      SWEEP_PERIOD_SECONDS,
      TICK_MS,
      () => this.queuePending(),
    );
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    this.stopSweep?.();
  }

  /** Queues a recheck of every payment pending long enough; answers how many were new. */
  async queuePending(): Promise<number> {
    let queued = 0;
    for (const { id } of await this.payments.pendingPayments(SETTLE_MINUTES)) {
      const sent = await this.jobs.send<RecheckJob>(
        recheckQueue,
        { paymentId: id },
        { singletonKey: id },
      );
      if (sent) queued += 1;
    }
    return queued;
  }

  /** Throws only while the provider cannot answer: that is worth a retry, nothing else is. */
  private async recheck(paymentId: string): Promise<void> {
    try {
      await this.settlement.recheck(null, paymentId, `job:${recheckQueue.name}`);
    } catch (error) {
      if (error instanceof AppError && error.code !== 'PAYMENT_PROVIDER_UNAVAILABLE') {
        this.logger.warn({ paymentId, code: error.code }, 'payment recheck refused; not retried');
        return;
      }
      throw error;
    }
  }
}

/** The rechecks as jobs; for processes with the job runner (the API, the worker), not the CLI. */
@Module({
  imports: [BillingCoreModule],
  providers: [PaymentRechecks, PaymentsRepository],
  exports: [PaymentRechecks],
})
export class PaymentRechecksModule {}
