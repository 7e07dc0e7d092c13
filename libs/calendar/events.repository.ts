import { Injectable } from '@nestjs/common';
import {
  execute,
  oneRow,
  type PageMeta,
  queryPage,
  selectRow,
  selectRows,
  updateRow,
  type columnAssignments,
  likePattern,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { eventNotFound } from './calendar.errors';
import {
  type Audience,
  type CreateEventDto,
  type EventKind,
  type EventListQuery,
  type EventView,
} from './dto/events.dto';

const EVENT_COLUMNS = `e.id, e.kind, e.title, e.description,
  to_char(e.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(e.ends_on, 'YYYY-MM-DD') AS "endsOn",
  to_char(e.start_time, 'HH24:MI') AS "startTime", to_char(e.end_time, 'HH24:MI') AS "endTime",
  e.audience, e.created_by AS "createdBy", e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

export const EVENT_FIELDS = {
  kind: 'kind',
  title: 'title',
  description: 'description',
  startsOn: 'starts_on',
  endsOn: 'ends_on',
  startTime: 'start_time',
  endTime: 'end_time',
  audience: 'audience',
} as const;

/**
 * The audiences a caller sees: null for all of them. Every read takes it, so an event meant
 * for staff is as absent to a student as an event that does not exist.
 */
export type Audiences = readonly Audience[] | null;

/** Holidays, closures and the school's other days. */
@Injectable()
export class EventsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** What kinds of person the account is in this school (it may be several). */
  async kindsOf(userId: string): Promise<string[]> {
    const rows = await selectRows<{ kind: string }>(
      this.tenant.manager,
      'SELECT DISTINCT kind FROM profiles WHERE user_id = $1',
      [userId],
    );
    return rows.map((row) => row.kind);
  }

  async page(
    query: EventListQuery,
    audiences: Audiences,
  ): Promise<{ data: EventView[]; meta: PageMeta }> {
    const { rows, meta } = await queryPage<EventView>(
      this.tenant.manager,
      {
        select: EVENT_COLUMNS,
        from: 'calendar_events e',
        where: `WHERE ($1::date IS NULL OR e.ends_on >= $1::date)
                  AND ($2::date IS NULL OR e.starts_on <= $2::date)
                  AND ($3::text IS NULL OR e.kind = $3)
                  AND ($4::text[] IS NULL OR e.audience = ANY($4::text[]))
                  AND ($5::text IS NULL OR e.title ILIKE $5)`,
        orderBy: 'e.starts_on, e.start_time NULLS FIRST, e.id',
      },
      [
        query.from ?? null,
        query.to ?? null,
        query.kind ?? null,
        audiences,
        likePattern(query.search),
      ],
      query,
    );
    return { data: rows, meta };
  }

  /** Events sharing at least one day with $1..$2, in date order. */
  overlapping(from: string, to: string, audiences: Audiences): Promise<EventView[]> {
    return selectRows<EventView>(
      this.tenant.manager,
      `SELECT ${EVENT_COLUMNS} FROM calendar_events e
        WHERE e.starts_on <= $2::date AND e.ends_on >= $1::date
          AND ($3::text[] IS NULL OR e.audience = ANY($3::text[]))
        ORDER BY e.starts_on, e.start_time NULLS FIRST, e.id`,
      [from, to, audiences],
    );
  }

  find(id: string, audiences: Audiences): Promise<EventView> {
    return oneRow<EventView>(
      this.tenant.manager,
      `SELECT ${EVENT_COLUMNS} FROM calendar_events e
        WHERE e.id = $1 AND ($2::text[] IS NULL OR e.audience = ANY($2::text[]))`,
      [id, audiences],
      eventNotFound,
    );
  }

  /** The event as stored, locked for a change, or 404. */
  forUpdate(id: string): Promise<EventView> {
    return oneRow<EventView>(
      this.tenant.manager,
      `SELECT ${EVENT_COLUMNS} FROM calendar_events e WHERE e.id = $1 FOR UPDATE`,
      [id],
      eventNotFound,
    );
  }

  /**
   * Inserts the event; created_by is the account's profile here (staff or owner first, when
   * one person is also a parent of the school).
   */
  async insert(event: CreateEventDto & { kind: EventKind }, userId: string): Promise<string> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `INSERT INTO calendar_events
         (kind, title, description, starts_on, ends_on, start_time, end_time, audience, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
               (SELECT id FROM profiles WHERE user_id = $9
                 ORDER BY kind IN ('owner', 'staff') DESC, created_at LIMIT 1))
       RETURNING id`,
      [
        event.kind,
        event.title,
        event.description ?? null,
        event.startsOn,
        event.endsOn,
        event.startTime ?? null,
        event.endTime ?? null,
        event.audience ?? 'everyone',
        userId,
      ],
    );
    return row!.id;
  }

  update(id: string, plan: ReturnType<typeof columnAssignments>): Promise<void> {
    return updateRow(this.tenant.manager, 'calendar_events', id, plan, {
      notFound: eventNotFound,
    });
  }

  async remove(id: string): Promise<void> {
    const deleted = await execute(
      this.tenant.manager,
      'DELETE FROM calendar_events WHERE id = $1',
      [id],
    );
    if (deleted === 0) throw eventNotFound();
  }
}
