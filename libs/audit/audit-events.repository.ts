import { Injectable } from '@nestjs/common';
import { pageWindow, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type AuditEventPage,
  type AuditEventView,
  type AuditPageQuery,
} from './dto/audit-events.dto';

/** What the list filters on, already checked; `person` is the history's student. */
export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  person?: string;
  /** Moments as the caller sent them, with whether each is a whole day. */
  from?: { at: string; day: boolean };
  to?: { at: string; day: boolean };
}

/** A day's bounds are midnights in the school's time zone. */
const SCHOOL_ZONE = `(SELECT timezone FROM school_settings)`;

const ENTRY_JSON = `json_build_object(
  'id', e.id, 'at', e.at,
  'actor', json_build_object('accountId', e.actor_account_id, 'profileId', e.actor_profile_id,
                             'name', CASE WHEN p.id IS NULL THEN NULL
                                          ELSE concat_ws(' ', p.first_name, p.last_name) END),
  'requestId', e.request_id, 'clientAddress', e.client_address, 'action', e.action,
  'entityType', e.entity_type, 'entityId', e.entity_id, 'personId', e.person_id,
  'before', e.before, 'after', e.after, 'details', e.details)`;

/** The school's audit trail as its own role reads it (in the request's transaction). */
@Injectable()
export class AuditEventsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Newest first; each condition only when asked for, so the indexes serve each filter. */
  async list(filter: AuditFilter, page: AuditPageQuery): Promise<AuditEventPage> {
    const values: unknown[] = [];
    const where: string[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      if (value === undefined) return;
      values.push(value);
      where.push(condition(`$${values.length}`));
    };
    add((n) => `e.entity_type = ${n}`, filter.entityType);
    add((n) => `e.entity_id = ${n}`, filter.entityId);
    add(
      (n) => `(e.actor_account_id = ${n}::uuid OR e.actor_profile_id = ${n}::uuid)`,
      filter.actor,
    );
    add((n) => `e.action = ${n}`, filter.action);
    add((n) => `e.person_id = ${n}::uuid`, filter.person);
    if (filter.from) {
      add(
        (n) =>
          filter.from!.day
            ? `e.at >= (${n}::date::timestamp AT TIME ZONE ${SCHOOL_ZONE})`
            : `e.at >= ${n}::timestamptz`,
        filter.from.at,
      );
    }
    if (filter.to) {
      add(
        (n) =>
          filter.to!.day
            ? `e.at < ((${n}::date + 1)::timestamp AT TIME ZONE ${SCHOOL_ZONE})`
            : `e.at <= ${n}::timestamptz`,
        filter.to.at,
      );
    }
    const filterSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const n = values.length;
    // The page's ids first, counted over the whole match; the entries' JSON and their actors'
    // names only for the page: a trail holds hundreds of thousands of rows.
    const rows = await selectRows<{ entry: AuditEventView; total: string }>(
      this.tenant.manager,
      `WITH page AS (
         SELECT e.id, e.at, count(*) OVER () AS total FROM audit_events e ${filterSql}
          ORDER BY e.at DESC, e.id DESC LIMIT $${n + 1} OFFSET $${n + 2})
       SELECT ${ENTRY_JSON} AS entry, page.total
         FROM page JOIN audit_events e ON e.id = page.id
         LEFT JOIN profiles p ON p.id = e.actor_profile_id
        ORDER BY page.at DESC, page.id DESC`,
      [...values, ...pageWindow(page)],
    );
    let total = rows.length ? Number(rows[0].total) : 0;
    if (!rows.length && page.page > 1) {
      const counted = await selectRow<{ n: number }>(
        this.tenant.manager,
        `SELECT count(*)::int AS n FROM audit_events e ${filterSql}`,
        values,
      );
      total = counted?.n ?? 0;
    }
    return {
      data: rows.map((row) => row.entry),
      meta: { page: page.page, pageSize: page.pageSize, total },
    };
  }

  async studentExists(id: string): Promise<boolean> {
    return !!(await selectRow(this.tenant.manager, `SELECT 1 FROM students WHERE profile_id = $1`, [
      id,
    ]));
  }
}
