import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

export interface CalendarSettings {
  displayName: string;
  timezone: string;
  /** ISO weekdays, 1 Monday .. 7 Sunday. */
  restDays: number[];
}

/** What the calendar reads of the school's settings, and date arithmetic done in SQL. */
@Injectable()
export class CalendarRepository {
  constructor(private readonly tenant: TenantContext) {}

  async settings(): Promise<CalendarSettings> {
    const row = await selectRow<CalendarSettings>(
      this.tenant.manager,
      `SELECT display_name AS "displayName", timezone,
              ARRAY(SELECT unnest(rest_days)::int ORDER BY 1) AS "restDays"
         FROM school_settings`,
    );
    return row!;
  }

  /** The school's today and the day before the same date next year (12 months). */
  async nextTwelveMonths(): Promise<{ from: string; to: string }> {
    const row = await selectRow<{ from: string; to: string }>(
      this.tenant.manager,
      `SELECT to_char(today, 'YYYY-MM-DD') AS from,
              to_char((today + interval '12 months')::date - 1, 'YYYY-MM-DD') AS to
         FROM (SELECT (now() AT TIME ZONE timezone)::date AS today FROM school_settings) s`,
    );
    return row!;
  }
}
