import { Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { Jobs } from '@schoolyard/jobs';
import { TenantTransactions } from '@schoolyard/tenancy';
import { renderReportCards } from './report-card-pdf';
import { ReportCardBatchesPlatformRepository } from './report-card-batches-platform.repository';
import {
  type ReportCardBatchJob,
  ReportCardBatchesQueue,
  reportCardBatchesQueue,
} from './report-card-batches.queue';
import { ReportCardBatchesRepository } from './report-card-batches.repository';
import { ReportCardsRepository } from './report-cards.repository';
import { ReportCardsService } from './report-cards.service';

export type BuildOutcome = 'built' | 'skipped' | 'failed';

/**
 * Builds one batch: every student of the section's roster for the term, in roster order, in
 * one PDF stored on the batch's row. The whole build runs in one school transaction holding
 * the batch's row lock, so the file and the `ready` status commit together, and a retried or
 * duplicated job waits for the lock, then finds the batch finished and builds nothing.
 */
@Injectable()
export class ReportCardBatchBuilder {
  private readonly logger = new Logger('ReportCardBatches');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly platform: ReportCardBatchesPlatformRepository,
    private readonly batches: ReportCardBatchesRepository,
    private readonly cards: ReportCardsService,
  ) {}

  /**
   * Throws only when even the failure cannot be recorded (the database away): the job is
   * retried then. A build that fails marks its batch failed with the reason.
   */
  async build(schoolId: string, batchId: string): Promise<BuildOutcome> {
    const school = await this.platform.school(schoolId);
    // A suspended, archived or dropped school's batch is left as it is.
    if (!school || school.status !== 'active') return 'skipped';
    try {
      return await this.transactions.run(school, async () => {
        const batch = await this.batches.claim(batchId);
        if (!batch || batch.status === 'ready' || batch.status === 'failed') return 'skipped';
        const cards = await this.cards.ofSection(batch.sectionId, batch.termId);
        await this.batches.finish(batchId, await renderReportCards(cards), cards.length);
        return 'built';
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, schoolId, batchId }, 'report card batch failed');
      await this.transactions.run(school, () => this.batches.fail(batchId, reason));
      return 'failed';
    }
  }
}

/** Works `exams.report-card-batches` in processes with the job runner. */
@Injectable()
export class ReportCardBatchesJobs implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: Jobs,
    private readonly builder: ReportCardBatchBuilder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<ReportCardBatchJob>(
      reportCardBatchesQueue,
      async ({ schoolId, batchId }) => {
        await this.builder.build(schoolId, batchId);
      },
    );
  }
}

/**
 * Report cards and their batch job, for the API (through ExamsModule) and the worker: the
 * cards' reads, the PDF, the queue and the job.
 */
@Module({
  providers: [
    ReportCardsRepository,
    ReportCardsService,
    ReportCardBatchesRepository,
    ReportCardBatchesPlatformRepository,
    ReportCardBatchesQueue,
    ReportCardBatchBuilder,
    ReportCardBatchesJobs,
  ],
  exports: [
    ReportCardsService,
    ReportCardBatchesRepository,
    ReportCardBatchesQueue,
    ReportCardBatchBuilder,
  ],
})
export class ReportCardBatchesModule {}
