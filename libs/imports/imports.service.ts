import { Injectable, Logger } from '@nestjs/common';
import { type PageQuery } from '@schoolyard/common';
import { TenantContext, TenantTransactions } from '@schoolyard/tenancy';
import { type ImportPage, type ImportView } from './dto/imports.dto';
import { IMPORT_KINDS, type ImportKindName } from './import-kind';
import { ImportRunner } from './import-runner';
import { importNotFound, importRequestInvalid } from './imports.errors';
import { type ImportRow, ImportsRepository } from './imports.repository';

/** What the multipart form brought, read before any transaction opens. */
export interface ImportUpload {
  kind?: string;
  dryRun?: string;
  fileName?: string;
  file?: Buffer;
}

export function importView(row: ImportRow): ImportView {
  return {
    id: row.id,
    kind: row.kind,
    dryRun: row.dry_run,
    status: row.status,
    fileName: row.file_name,
    fileSize: row.file_size,
    rows: row.rows,
    created: row.created,
    unchanged: row.unchanged,
    errors: row.errors,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

@Injectable()
export class ImportsService {
  private readonly logger = new Logger('Imports');

  constructor(
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
    private readonly imports: ImportsRepository,
    private readonly runner: ImportRunner,
  ) {}

  /**
   * Stores the file as a queued import and queues its job once that row has committed (the
   * route opens its own short transaction: the upload was read before, holding no connection).
   */
  async queue(upload: ImportUpload): Promise<ImportView> {
    const { kind, dryRun, file } = this.checked(upload);
    const school = this.tenant.school;
    const row = await this.transactions.run(school, () =>
      this.imports.insert(kind, dryRun, upload.fileName || 'import.csv', file),
    );
    // A job that could not be sent leaves the import queued; the office sees that and uploads again.
    await this.runner.send(school.id, row.id).catch((error: unknown) => {
      this.logger.warn({ err: error, importId: row.id }, 'import job not queued');
    });
    return importView(row);
  }

  async get(id: string): Promise<ImportView> {
    const row = await this.imports.find(id);
    if (!row) throw importNotFound();
    return importView(row);
  }

  async list(query: PageQuery): Promise<ImportPage> {
    const { rows, meta } = await this.imports.page(query);
    return { data: rows.map(importView), meta };
  }

  private checked(upload: ImportUpload): { kind: ImportKindName; dryRun: boolean; file: Buffer } {
    if (!upload.kind || !(IMPORT_KINDS as readonly string[]).includes(upload.kind)) {
      throw importRequestInvalid(`kind must be one of ${IMPORT_KINDS.join(', ')}`);
    }
    if (upload.dryRun !== undefined && upload.dryRun !== 'true' && upload.dryRun !== 'false') {
      throw importRequestInvalid('dryRun must be true or false');
    }
    if (!upload.file) throw importRequestInvalid('The form needs the CSV file as its part "file"');
    return {
      kind: upload.kind as ImportKindName,
      dryRun: upload.dryRun === 'true',
      file: upload.file,
    };
  }
}
