import { type RegisteredSchool, withOwnerClient } from './test-app';

/** The schema of a school registered through the API. */
export const schemaOf = (school: Pick<RegisteredSchool, 'slug'>) =>
  `school_${school.slug.replace(/-/g, '_')}`;

/** `date` moved by `days` calendar days (UTC midnights: whole days, whatever the zone). */
export function shiftDate(date: string, days: number): string {
  const moved = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
  return moved.toISOString().slice(0, 10);
}

/** ISO weekday (1 Monday .. 7 Sunday) of a date. */
export function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

export interface SchoolYearPlan {
  name: string;
  startsOn: string;
  endsOn: string;
  term?: { name: string; startsOn: string; endsOn: string };
  holidays?: string[];
  closures?: string[];
  /** ISO weekdays the school rests (default: leave the school's setting). */
  restDays?: number[];
  timezone?: string;
  editDays?: number;
}

/**
 * An academic year (with a term, holidays and closures) and the school's calendar settings,
 * written with SQL as the owner: the calendar's API is another library's, and these suites
 * need only what `SchoolDaysRepository` reads. Answers the school's local today.
 */
export async function schoolYear(school: RegisteredSchool, plan: SchoolYearPlan): Promise<string> {
  const schema = schemaOf(school);
  return withOwnerClient(async (db) => {
    const year = await db.query<{ id: string }>(
      `INSERT INTO "${schema}".academic_years (name, starts_on, ends_on) VALUES ($1, $2, $3)
       RETURNING id`,
      [plan.name, plan.startsOn, plan.endsOn],
    );
    if (plan.term) {
      await db.query(
        `INSERT INTO "${schema}".terms (academic_year_id, name, starts_on, ends_on)
         VALUES ($1, $2, $3, $4)`,
        [year.rows[0].id, plan.term.name, plan.term.startsOn, plan.term.endsOn],
      );
    }
    for (const [kind, days] of [
      ['holiday', plan.holidays ?? []],
      ['closure', plan.closures ?? []],
    ] as const) {
      for (const day of days) {
        await db.query(
          `INSERT INTO "${schema}".calendar_events (kind, title, starts_on, ends_on)
           VALUES ($1, $2, $3, $3)`,
          [kind, `A ${kind}`, day],
        );
      }
    }
    await db.query(
      `UPDATE "${schema}".school_settings
          SET rest_days = coalesce($1::smallint[], rest_days),
              timezone = coalesce($2, timezone),
              attendance_edit_days = coalesce($3, attendance_edit_days)`,
      [plan.restDays ?? null, plan.timezone ?? null, plan.editDays ?? null],
    );
    return schoolToday(school);
  });
}

/** The school's local date today, as PostgreSQL reads it in the school's time zone. */
export function schoolToday(school: RegisteredSchool): Promise<string> {
  return withOwnerClient(async (db) => {
    const row = await db.query<{ today: string }>(
      `SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today
         FROM "${schemaOf(school)}".school_settings`,
    );
    return row.rows[0].today;
  });
}

/** Runs SQL in the school's schema as the owner (history the API cannot write yet). */
export function inSchema<T = Record<string, unknown>>(
  school: RegisteredSchool,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  return withOwnerClient(async (db) => {
    await db.query(`SELECT set_config('search_path', $1, false)`, [`"${schemaOf(school)}"`]);
    return (await db.query(sql, parameters)).rows as T[];
  });
}
