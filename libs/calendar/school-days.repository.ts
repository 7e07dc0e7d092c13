import { Injectable } from '@nestjs/common';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/** Why a date is not a school day for taking attendance, or null when it is one. */
export type DayRefusal = 'future' | 'rest_day' | 'holiday' | 'closure' | 'outside_year';

/** One date as the school's calendar sees it. */
export interface SchoolDay {
  /** YYYY-MM-DD, the school's local date. */
  date: string;
  refusal: DayRefusal | null;
  /** The academic year and term the date falls in, if any. */
  academicYearId: string | null;
  termId: string | null;
}

/**
 * The school's days. Dates are local dates in `school_settings.timezone`, built by date
 * arithmetic in SQL (generate_series over `date`), never by adding 24 hours: a
 * daylight-saving day is one day. "Today" is `now()` read in the school's time zone.
 */
@Injectable()
export class SchoolDaysRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The school's local date today. */
  async today(): Promise<string> {
    const row = await selectRow<{ today: string }>(
      this.tenant.manager,
      `SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today FROM school_settings`,
    );
    return row!.today;
  }

  /**
   * Each date from `from` to `to` (inclusive), in order, in one statement. `future: 'ignore'`
   * answers a date after today as what it will be (a school day, a holiday…) instead of
   * `future`: the calendar shows coming days; only attendance refuses them.
   */
  days(
    from: string,
    to: string,
    options: { future?: 'refuse' | 'ignore' } = {},
  ): Promise<SchoolDay[]> {
    const sql = options.future === 'ignore' ? CALENDAR_DAYS_SQL : SCHOOL_DAYS_SQL;
    return selectRows<SchoolDay>(this.tenant.manager, `${sql} ORDER BY d.day`, [from, to]);
  }

  /** One date, as `days` sees it. */
  async day(date: string): Promise<SchoolDay> {
    const rows = await this.days(date, date);
    return rows[0]!;
  }
}

/** The SQL of the school days, refusing dates after today as `future` or not. */
function schoolDaysSql(refuseFuture: boolean): string {
  return `
  WITH settings AS (
         -- LIMIT 1: the one-row table is never analyzed, so the planner guesses hundreds of
         -- rows, prices the statement past jit_above_cost and spends ~0.7 s compiling it.
         SELECT rest_days, (now() AT TIME ZONE timezone)::date AS today FROM school_settings LIMIT 1),
       d AS (SELECT gs::date AS day FROM generate_series($1::date, $2::date, interval '1 day') gs)
  SELECT to_char(d.day, 'YYYY-MM-DD') AS date,
         CASE ${refuseFuture ? "WHEN d.day > s.today THEN 'future'" : ''}
              WHEN closed.kind IS NOT NULL THEN closed.kind
              WHEN extract(isodow FROM d.day)::smallint = ANY(s.rest_days) THEN 'rest_day'
              WHEN y.id IS NULL AND EXISTS (SELECT 1 FROM academic_years) THEN 'outside_year'
         END AS refusal,
         y.id AS "academicYearId", t.id AS "termId"
    FROM d CROSS JOIN settings s
    LEFT JOIN LATERAL (
      SELECT e.kind FROM calendar_events e
       WHERE e.kind IN ('holiday', 'closure') AND d.day BETWEEN e.starts_on AND e.ends_on
       ORDER BY e.kind = 'closure' DESC LIMIT 1) closed ON true
    LEFT JOIN LATERAL (
      SELECT y.id FROM academic_years y WHERE d.day BETWEEN y.starts_on AND y.ends_on
       ORDER BY y.starts_on DESC LIMIT 1) y ON true
    LEFT JOIN LATERAL (
      SELECT t.id FROM terms t WHERE t.academic_year_id = y.id AND d.day BETWEEN t.starts_on AND t.ends_on
       ORDER BY t.starts_on DESC LIMIT 1) t ON true`;
}

/**
 * The school days from $1 to $2 (dates), one row per date: `date`, `refusal`,
 * `academicYearId`, `termId`. Other statements may embed it (as a CTE) to check dates in the
 * same round trip. A holiday or closure wins over a rest day; a date outside every academic
 * year is refused only when the school has defined years at all.
 */
export const SCHOOL_DAYS_SQL = schoolDaysSql(true);

/** SCHOOL_DAYS_SQL for the calendar: a date after today is what it will be, never `future`. */
export const CALENDAR_DAYS_SQL = schoolDaysSql(false);
