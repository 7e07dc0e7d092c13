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
import { AuditRetentionRepository } from './audit-retention.repository';

/** The daily fleet sweep; no data of its own. */
export const auditRetentionQueue: JobQueue = {
  name: 'audit.retention',
  policy: 'stately',
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelay: 300,
  retryBackoff: true,
};

const DAY_SECONDS = 24 * 60 * 60;
const DAY_MS = DAY_SECONDS * 1000;
/** Each worker offers the sweep this often; the day's first offer in the fleet is kept. */
const TICK_MS = 15 * 60 * 1000;
/** Schools read from the registry per statement. */
const SCHOOL_CHUNK = 200;
/** Rows deleted per statement: a short lock, and the sweep yields between batches. */
const ROW_BATCH = 5000;

export interface RetentionReport {
  schools: number;
  schoolRows: number;
  platformRows: number;
}

/**
 * Deletes audit entries older than AUDIT_RETENTION_DAYS, in every school's trail and the
 * platform's, once a day across the fleet (a throttled job: whichever worker's timer offers it
 * first), as the owner account. A failed sweep is retried; what it had deleted stays deleted
 * and the retry carries on, since every batch is a statement of its own.
 */
@Injectable()
export class AuditRetentionSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditRetention');
  private stopSweep: (() => void) | undefined;

  constructor(
    private readonly jobs: Jobs,
    private readonly retention: AuditRetentionRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker || this.config.audit.retentionDays === 0) return;
    this.stopSweep = await this.jobs.sweepEvery(auditRetentionQueue, DAY_SECONDS, TICK_MS, () =>
      this.sweep(),
    );
  }

  /** Before the job runner stops: no offer may reach a stopped runner. */
  onModuleDestroy(): void {
    this.stopSweep?.();
  }

  /** One sweep with the configured retention (0: nothing is deleted). */
  async sweep(now: Date = new Date()): Promise<RetentionReport> {
    const days = this.config.audit.retentionDays;
    const report: RetentionReport = { schools: 0, schoolRows: 0, platformRows: 0 };
    if (days === 0) return report;
    const cutoff = new Date(now.getTime() - days * DAY_MS);
    let after: string | null = null;
    for (;;) {
      const schools = await this.retention.schoolsAfter(after, SCHOOL_CHUNK);
      for (const school of schools) {
        report.schools += 1;
        report.schoolRows += await this.drain((batch) =>
          this.retention.deleteSchoolBatch(school, cutoff, batch),
        );
      }
      if (schools.length < SCHOOL_CHUNK) break;
      after = schools[schools.length - 1].id;
    }
    report.platformRows = await this.drain((batch) =>
      this.retention.deletePlatformBatch(cutoff, batch),
    );
    if (report.schoolRows || report.platformRows) {
      this.logger.log(
        `Deleted ${report.schoolRows} school and ${report.platformRows} platform audit entries older than ${days} days`,
      );
    }
    return report;
  }

  private async drain(deleteBatch: (batch: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await deleteBatch(ROW_BATCH);
      total += n;
      if (n < ROW_BATCH) return total;
    }
  }
}

/** The retention sweep, for processes with the job runner (the API, the worker). */
@Module({
  providers: [AuditRetentionRepository, AuditRetentionSweep],
  exports: [AuditRetentionSweep],
})
export class AuditRetentionModule {}
