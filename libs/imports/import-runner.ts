import { Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { recordSchoolEvent } from '@schoolyard/audit';
import { BillingCoreModule, PlanLimits } from '@schoolyard/billing';
import { AppError, type SchoolyardStore } from '@schoolyard/common';
import { type JobQueue, Jobs } from '@schoolyard/jobs';
import { PlatformDatabase, type School, TenantTransactions } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { type CsvReading, readCsv } from './csv-reading';
import { enrolmentsImport } from './enrolments.import';
import { guardiansImport } from './guardians.import';
import { type ImportKind, type ImportKindName } from './import-kind';
import { ImportRowsRepository } from './import-rows.repository';
import { type ClaimedImport, type Outcome, ImportsRepository } from './imports.repository';
import { staffImport } from './staff.import';
import { studentsImport } from './students.import';

/** One uploaded file to check and (unless a dry run) write: `{ schoolId, importId }`. */
export interface RunImportJob {
  schoolId: string;
  importId: string;
}

/**
 * `standard`, keyed by the import: each upload is its own job. A retry after a crash finds
 * the import running and runs it again (nothing was committed); once the outcome is recorded
 * the file is gone and a repeat does nothing.
 */
export const runImportQueue: JobQueue = {
  name: 'imports.run',
  policy: 'standard',
  expireInSeconds: 600,
  retryLimit: 2,
  retryDelay: 15,
  retryBackoff: true,
};

export const IMPORTERS: Record<ImportKindName, ImportKind> = {
  students: studentsImport,
  guardians: guardiansImport,
  staff: staffImport,
  enrolments: enrolmentsImport,
};

/**
 * Runs imports: reads the file, checks every row against the file and the school, and writes
 * all of them or none, in one school transaction that also records the outcome.
 */
@Injectable()
export class ImportRunner implements OnApplicationBootstrap {
  private readonly logger = new Logger('Imports');

  constructor(
    private readonly jobs: Jobs,
    private readonly transactions: TenantTransactions,
    private readonly platform: PlatformDatabase,
    private readonly imports: ImportsRepository,
    private readonly rows: ImportRowsRepository,
    private readonly limits: PlanLimits,
    private readonly cls: ClsService<SchoolyardStore>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.jobs.isWorker) return;
    await this.jobs.work<RunImportJob>(runImportQueue, async ({ schoolId, importId }) => {
      await this.run(schoolId, importId);
    });
  }

  /** Queues the import's job; the caller sends it once the import's row has committed. */
  async send(schoolId: string, importId: string): Promise<void> {
    await this.jobs.send<RunImportJob>(
      runImportQueue,
      { schoolId, importId },
      {
        singletonKey: importId,
      },
    );
    this.jobs.wake(runImportQueue);
  }

  async run(schoolId: string, importId: string): Promise<void> {
    const school = await this.school(schoolId);
    if (!school) return;
    const claimed = await this.transactions.run(school, () => this.imports.claim(importId));
    if (!claimed) return;
    const importer = IMPORTERS[claimed.kind];
    // Decoding and parsing hold no connection: the transaction opens for the checks and writes.
    const reading = readCsv(claimed.file, importer.columns, importer.required);
    const started = Date.now();
    // The rows are the uploader's doing: the audit trigger reads the actor from the opening
    // message, which TenantTransactions builds from the (job's) context.
    if (claimed.actor && this.cls.isActive()) this.cls.get().auditActor = claimed.actor;
    let outcome: Outcome;
    try {
      outcome = await this.check(school, importId, claimed, reading);
    } catch (error) {
      // A refusal (the school has no subscription) will not pass on a retry, nor will anything
      // once the retries are spent: the import is failed, nothing written, rather than left
      // running. Anything else before that is retried (a lost connection, a concurrent import
      // that took the same key first, which the retry then counts unchanged).
      if (!(error instanceof AppError) && claimed.attempts <= runImportQueue.retryLimit)
        throw error;
      this.logger.warn({ err: error, schoolId, importId }, 'import not run');
      const message =
        error instanceof AppError
          ? error.message
          : 'The import could not be run; nothing was written: upload the file again';
      outcome = {
        status: 'failed',
        rows: reading.rows.length,
        created: 0,
        unchanged: 0,
        errors: [{ row: 1, column: null, code: 'NOT_RUN', message }],
      };
      await this.transactions.run(school, () => this.imports.finish(importId, outcome));
    }
    this.logger.log(
      {
        schoolId,
        importId,
        kind: claimed.kind,
        dryRun: claimed.dry_run,
        status: outcome.status,
        rows: outcome.rows,
        errors: outcome.errors.length,
        ms: Date.now() - started,
      },
      'import run',
    );
  }

  /** Checks every row and, when none failed and it is no dry run, writes them: one transaction. */
  private check(
    school: School,
    importId: string,
    claimed: ClaimedImport,
    reading: CsvReading,
  ): Promise<Outcome> {
    const importer = IMPORTERS[claimed.kind];
    return this.transactions.run(school, async (manager) => {
      if (reading.errors.length) {
        const failed: Outcome = {
          status: 'failed',
          rows: 0,
          created: 0,
          unchanged: 0,
          errors: reading.errors,
        };
        await this.imports.finish(importId, failed);
        return failed;
      }
      const plan = await importer.plan({
        rows: reading.rows,
        db: this.rows,
        room: () => this.limits.roomFor(claimed.kind === 'staff' ? 'staff' : 'students'),
      });
      const errors = plan.errors.sort((a, b) => a.row - b.row);
      if (!errors.length && !claimed.dry_run) await plan.write();
      const result: Outcome = {
        status: errors.length ? 'failed' : 'succeeded',
        rows: reading.rows.length,
        created: errors.length ? 0 : plan.created,
        unchanged: errors.length ? 0 : plan.unchanged,
        errors,
      };
      await this.imports.finish(importId, result);
      if (result.status === 'succeeded' && !claimed.dry_run) {
        await recordSchoolEvent(manager, {
          action: 'imported',
          entityType: 'import',
          entityId: importId,
          details: {
            kind: claimed.kind,
            rows: result.rows,
            created: result.created,
            unchanged: result.unchanged,
          },
        });
      }
      return result;
    });
  }

  private async school(schoolId: string): Promise<School | undefined> {
    const [school]: School[] = await this.platform.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.organizations o WHERE o.id = $1 AND o.status = 'active'`,
      [schoolId],
    );
    return school;
  }
}

/** The import job, for the API (through ImportsModule) and the worker. */
@Module({
  imports: [BillingCoreModule],
  providers: [ImportsRepository, ImportRowsRepository, ImportRunner],
  exports: [ImportsRepository, ImportRunner],
})
export class ImportJobsModule {}
