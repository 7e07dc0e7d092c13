import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { selectRow, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';

export interface RetainedSchool {
  id: string;
  schemaName: string;
}

/**
 * Retention's deletes, as the owner account (the only one that may delete audit rows), each
 * its own short autocommitted statement: no school's trail is locked for longer than one
 * batch, and a sweep stopped half-way leaves only whole batches done.
 */
@Injectable()
export class AuditRetentionRepository {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  /** The next `limit` schools after `afterId` whose schema has an audit trail yet. */
  schoolsAfter(afterId: string | null, limit: number): Promise<RetainedSchool[]> {
    return selectRows<RetainedSchool>(
      this.owner.manager,
      `SELECT o.id, o.schema_name AS "schemaName" FROM public.organizations o
        WHERE ($1::uuid IS NULL OR o.id > $1::uuid)
          AND to_regclass(quote_ident(o.schema_name) || '.audit_events') IS NOT NULL
        ORDER BY o.id LIMIT $2`,
      [afterId, limit],
    );
  }

  /** Deletes at most `batch` of the school's entries older than the cutoff; answers how many. */
  async deleteSchoolBatch(school: RetainedSchool, cutoff: Date, batch: number): Promise<number> {
    const table = `${quoteIdentifier(school.schemaName)}.audit_events`;
    return this.deleted(
      `WITH gone AS (DELETE FROM ${table} WHERE id IN
         (SELECT id FROM ${table} WHERE at < $1 ORDER BY at LIMIT $2) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      cutoff,
      batch,
    );
  }

  async deletePlatformBatch(cutoff: Date, batch: number): Promise<number> {
    return this.deleted(
      `WITH gone AS (DELETE FROM public.platform_audit_events WHERE id IN
         (SELECT id FROM public.platform_audit_events WHERE at < $1 ORDER BY at LIMIT $2)
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      cutoff,
      batch,
    );
  }

  private async deleted(sql: string, cutoff: Date, batch: number): Promise<number> {
    const row = await selectRow<{ n: number }>(this.owner.manager, sql, [cutoff, batch]);
    return row?.n ?? 0;
  }
}
