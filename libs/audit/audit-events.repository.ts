import { Injectable } from '@nestjs/common';
import { queryPage, selectRow } from '@schoolyard/common';
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
    const { rows, meta } = await queryPage<{ entry: AuditEventView }>(
      this.tenant.manager,
      {
        select: `${ENTRY_JSON} AS entry`,
        from: 'audit_events e LEFT JOIN profiles p ON p.id = e.actor_profile_id',
        where: where.length ? `WHERE ${where.join(' AND ')}` : '',
        orderBy: 'e.at DESC, e.id DESC',
      },
      values,
      page,
    );
    return { data: rows.map((row) => row.entry), meta };
  }

  async studentExists(id: string): Promise<boolean> {
    return !!(await selectRow(this.tenant.manager, `SELECT 1 FROM students WHERE profile_id = $1`, [
      id,
    ]));
  }
}
