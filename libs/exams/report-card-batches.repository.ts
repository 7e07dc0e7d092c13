import { Injectable } from '@nestjs/common';
import { callerProfile } from '@schoolyard/attendance';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type BatchStatus, type BatchView } from './dto/report-cards.dto';

const VIEW_COLUMNS = `id, section_id AS "sectionId", term_id AS "termId", status,
  student_count AS "studentCount", octet_length(file) AS "fileBytes", error,
  created_at AS "createdAt", finished_at AS "finishedAt"`;

/** A batch as its job sees it when it claims it. */
export interface ClaimedBatch {
  sectionId: string;
  termId: string;
  status: BatchStatus;
}

/** A section's report cards of a term, built by a job into one PDF. */
@Injectable()
export class ReportCardBatchesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** A queued batch; a string names what does not exist (the section or the term). */
  async queue(
    sectionId: string,
    termId: string,
    account: string,
  ): Promise<BatchView | 'section' | 'term'> {
    const row = await selectRow<BatchView & { missing: 'section' | 'term' | null }>(
      this.tenant.manager,
      `WITH asked AS (
         SELECT (SELECT id FROM sections WHERE id = $1) AS section_id,
                (SELECT id FROM terms WHERE id = $2) AS term_id),
       made AS (
         INSERT INTO report_card_batches (section_id, term_id, requested_by)
         SELECT section_id, term_id, ${callerProfile('$3')} FROM asked
          WHERE section_id IS NOT NULL AND term_id IS NOT NULL
         RETURNING ${VIEW_COLUMNS})
       SELECT made.*, CASE WHEN asked.section_id IS NULL THEN 'section'
                           WHEN asked.term_id IS NULL THEN 'term' END AS missing
         FROM asked LEFT JOIN made ON true`,
      [sectionId, termId, account],
    );
    const { missing, ...batch } = row!;
    if (missing) return missing;
    return batch;
  }

  view(batchId: string): Promise<BatchView | undefined> {
    return selectRow<BatchView>(
      this.tenant.manager,
      `SELECT ${VIEW_COLUMNS} FROM report_card_batches WHERE id = $1`,
      [batchId],
    );
  }

  file(batchId: string): Promise<{ status: BatchStatus; file: Buffer | null } | undefined> {
    return selectRow(
      this.tenant.manager,
      `SELECT status, CASE WHEN status = 'ready' THEN file END AS file
         FROM report_card_batches WHERE id = $1`,
      [batchId],
    );
  }

  /**
   * The batch, locked until the job's transaction ends: a second delivery of the same job
   * waits here, then finds it ready (or failed) and builds nothing.
   */
  claim(batchId: string): Promise<ClaimedBatch | undefined> {
    return selectRow<ClaimedBatch>(
      this.tenant.manager,
      `SELECT section_id AS "sectionId", term_id AS "termId", status
         FROM report_card_batches WHERE id = $1 FOR UPDATE`,
      [batchId],
    );
  }

  async finish(batchId: string, file: Buffer, studentCount: number): Promise<void> {
    await selectRow(
      this.tenant.manager,
      `UPDATE report_card_batches
          SET status = 'ready', file = $2, student_count = $3, error = NULL, finished_at = now()
        WHERE id = $1 RETURNING id`,
      [batchId, file, studentCount],
    );
  }

  /** Marks a batch that is not built failed, with the reason; a built one stays as it is. */
  async fail(batchId: string, error: string): Promise<void> {
    await selectRow(
      this.tenant.manager,
      `UPDATE report_card_batches SET status = 'failed', error = $2, finished_at = now()
        WHERE id = $1 AND status IN ('queued', 'building') RETURNING id`,
      [batchId, error],
    );
  }
}
