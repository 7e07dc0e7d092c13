import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { TenantContext } from '@schoolyard/tenancy';
import { AcademicYearsRepository } from './academic-years.repository';
import { CalendarRepository } from './calendar.repository';
import { CallerAudience } from './caller-audience';
import { badCombination } from './calendar.errors';
import { type CalendarView, type DayReason, MAX_CALENDAR_DAYS } from './dto/calendar.dto';
import { EventsRepository } from './events.repository';
import { buildIcs, daysInclusive } from './ical';
import { SchoolDaysRepository } from './school-days.repository';
import { TermsRepository } from './terms.repository';

/** The longest .ics download: three years of events. */
export const MAX_ICS_DAYS = 3 * 366;

/** The school's calendar over a range of dates: each day, and what lies on it. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly schoolDays: SchoolDaysRepository,
    private readonly years: AcademicYearsRepository,
    private readonly terms: TermsRepository,
    private readonly events: EventsRepository,
    private readonly audience: CallerAudience,
    private readonly tenant: TenantContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async range(from: string, to: string): Promise<CalendarView> {
    checkRange(from, to, MAX_CALENDAR_DAYS);
    const audiences = await this.audience.current();
    const settings = await this.calendar.settings();
    // A coming day is shown as what it will be: only attendance refuses the future.
    const days = await this.schoolDays.days(from, to, { future: 'ignore' });
    return {
      timezone: settings.timezone,
      restDays: settings.restDays,
      from,
      to,
      days: days.map((day) => ({
        date: day.date,
        schoolDay: day.refusal === null,
        reason: day.refusal as DayReason | null,
        academicYearId: day.academicYearId,
        termId: day.termId,
      })),
      academicYears: await this.years.overlapping(from, to),
      terms: await this.terms.overlapping(from, to),
      events: await this.events.overlapping(from, to, audiences),
    };
  }

  /**
   * The caller's events as iCalendar text, from `from` to `to`; without them, the current
   * academic year, or the next twelve months when no year is current.
   */
  async ics(from?: string, to?: string): Promise<string> {
    if ((from === undefined) !== (to === undefined)) {
      throw badCombination(from === undefined ? 'from' : 'to', 'send from and to together');
    }
    let range: { from: string; to: string };
    if (from !== undefined && to !== undefined) {
      checkRange(from, to, MAX_ICS_DAYS);
      range = { from, to };
    } else {
      const current = await this.years.current();
      range = current
        ? { from: current.startsOn, to: current.endsOn }
        : await this.calendar.nextTwelveMonths();
    }
    const audiences = await this.audience.current();
    const settings = await this.calendar.settings();
    const events = await this.events.overlapping(range.from, range.to, audiences);
    return buildIcs(
      {
        name: settings.displayName,
        host: `${this.tenant.school.slug}.${this.config.baseDomain}`,
        timezone: settings.timezone,
      },
      events,
    );
  }
}

function checkRange(from: string, to: string, maxDays: number): void {
  const days = daysInclusive(from, to);
  if (days < 1) throw badCombination('to', 'to must not be before from');
  if (days > maxDays) {
    throw badCombination('to', `a range covers at most ${maxDays} days`);
  }
}
