import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type BatchView, type CreateBatchDto } from './dto/report-cards.dto';
import { ReportCardBatchesQueue } from './report-card-batches.queue';
import { ReportCardBatchesRepository } from './report-card-batches.repository';
import { batchNotReady, notFound } from './report-cards.errors';

/** A section's report cards for a term, always built by a job, however small the section. */
@Injectable()
export class ReportCardBatchesService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly batches: ReportCardBatchesRepository,
    private readonly queue: ReportCardBatchesQueue,
  ) {}

  /** Queues the batch; its job is sent once the row has committed (it reads the row). */
  async queueBatch(account: string, body: CreateBatchDto): Promise<BatchView> {
    const batch = await this.batches.queue(body.sectionId, body.termId, account);
    if (typeof batch === 'string') throw notFound(batch)();
    const schoolId = this.tenant.school.id;
    this.tenant.afterCommit(() => this.queue.sendSoon(schoolId, batch.id));
    return batch;
  }

  async view(batchId: string): Promise<BatchView> {
    const batch = await this.batches.view(batchId);
    if (!batch) throw notFound('report card batch')();
    return batch;
  }

  async file(batchId: string): Promise<Buffer> {
    const batch = await this.batches.file(batchId);
    if (!batch) throw notFound('report card batch')();
    if (!batch.file) throw batchNotReady(batch.status);
    return batch.file;
  }
}
