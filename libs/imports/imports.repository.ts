import { Injectable } from '@nestjs/common';
import {
  type PageMeta,
  type PageQuery,
  queryPage,
  selectRow,
  selectRows,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type RowError } from './csv-reading';
import { type ImportKindName } from './import-kind';

export interface ImportRow {
  id: string;
  kind: ImportKindName;
  dry_run: boolean;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file_name: string;
  file_size: number;
  rows: number;
  created: number;
  unchanged: number;
  errors: RowError[];
  requested_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

/** Everything but the file's bytes. */
const COLUMNS = `i.id, i.kind, i.dry_run, i.status, i.file_name, i.file_size, i.rows, i.created,
  i.unchanged, i.errors, i.requested_by, i.created_at, i.started_at, i.finished_at`;

export interface ClaimedImport {
  kind: ImportKindName;
  dry_run: boolean;
  file: Buffer;
  /** This run's number: 1, then 2 and 3 for the retries. */
  attempts: number;
  /** The account that uploaded it: the audit trail names it as the writer of every row. */
  actor: string | null;
}

export interface Outcome {
  status: 'succeeded' | 'failed';
  rows: number;
  created: number;
  unchanged: number;
  errors: RowError[];
}

@Injectable()
export class ImportsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The queued import, requested by the caller's profile here (the first, if several). */
  async insert(
    kind: ImportKindName,
    dryRun: boolean,
    fileName: string,
    file: Buffer,
  ): Promise<ImportRow> {
    const [row] = await selectRows<ImportRow>(
      this.tenant.manager,
      `INSERT INTO imports AS i (kind, dry_run, file_name, file_size, file, requested_by)
       VALUES ($1, $2, $3, $4, $5, (
         SELECT p.id FROM profiles p
          WHERE p.user_id = nullif(current_setting('schoolyard.actor', true), '')::uuid
          ORDER BY p.created_at LIMIT 1))
       RETURNING ${COLUMNS}`,
      [kind, dryRun, fileName, file.length, file],
    );
    return row;
  }

  find(id: string): Promise<ImportRow | undefined> {
    return selectRow<ImportRow>(
      this.tenant.manager,
      `SELECT ${COLUMNS} FROM imports i WHERE i.id = $1`,
      [id],
    );
  }

  page(query: PageQuery): Promise<{ rows: ImportRow[]; meta: PageMeta }> {
    return queryPage<ImportRow>(
      this.tenant.manager,
      { select: COLUMNS, from: 'imports i', where: '', orderBy: 'i.created_at DESC, i.id' },
      [],
      query,
    );
  }

  /**
   * Takes the import for its job: running from now, answering its file. Undefined when it has
   * finished already (a job sent twice, or retried after it recorded its outcome).
   */
  claim(id: string): Promise<ClaimedImport | undefined> {
    return selectRow<ClaimedImport>(
      this.tenant.manager,
      `UPDATE imports SET status = 'running', started_at = coalesce(started_at, now()),
              attempts = attempts + 1
        WHERE id = $1 AND status IN ('queued', 'running') AND file IS NOT NULL
        RETURNING kind, dry_run, file, attempts,
                  (SELECT p.user_id FROM profiles p WHERE p.id = imports.requested_by) AS actor`,
      [id],
    );
  }

  /** The outcome, and the file's bytes gone with it. */
  async finish(id: string, outcome: Outcome): Promise<void> {
    await selectRows(
      this.tenant.manager,
      `UPDATE imports
          SET status = $2, rows = $3, created = $4, unchanged = $5, errors = $6::jsonb,
              file = NULL, finished_at = now()
        WHERE id = $1`,
      [
        id,
        outcome.status,
        outcome.rows,
        outcome.created,
        outcome.unchanged,
        JSON.stringify(outcome.errors),
      ],
    );
  }
}
