import ical, {
  ICalEventRepeatingFreq,
  type ICalTemporalPlainDateStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from 'ical-generator';
import { type EventView } from './dto/events.dto';
import { vtimezone } from './vtimezone';

/**
 * The school's wall-clock dates and times, handed to ical-generator as its Temporal
 * PlainDate / PlainDateTime shapes. A JS Date would be read with the server's own time zone
 * (ical-generator formats plain Dates with local getters), so a server outside the school's
 * zone, or a daylight-saving change between the two, would shift every time. These carry the
 * digits as the school wrote them and nothing else.
 */
class LocalDate implements ICalTemporalPlainDateStub {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  static parse(date: string): LocalDate {
    const [year, month, day] = date.split('-').map(Number);
    return new LocalDate(year, month, day);
  }

  /** ical-generator tells a PlainDate by this method. */
  toPlainDateTime(): LocalDateTime {
    return new LocalDateTime(this, 0, 0);
  }

  toString(): string {
    return [this.year, this.month, this.day].map((n, i) => pad(n, i ? 2 : 4)).join('-');
  }

  toJSON(): string {
    return this.toString();
  }
}

class LocalDateTime implements ICalTemporalPlainDateTimeStub {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly second = 0;

  constructor(
    private readonly date: LocalDate,
    readonly hour: number,
    readonly minute: number,
  ) {
    ({ year: this.year, month: this.month, day: this.day } = date);
  }

  static parse(date: string, time: string): LocalDateTime {
    const [hour, minute] = time.split(':').map(Number);
    return new LocalDateTime(LocalDate.parse(date), hour, minute);
  }

  toPlainDate(): LocalDate {
    return this.date;
  }

  /** The same wall clock in `timeZone`: ical-generator writes it with that TZID. */
  toZonedDateTime(timeZone: string): ICalTemporalZonedDateTimeStub {
    const plain = () => this;
    const zoned: ICalTemporalZonedDateTimeStub = {
      year: this.year,
      month: this.month,
      day: this.day,
      hour: this.hour,
      minute: this.minute,
      second: 0,
      timeZoneId: timeZone,
      toPlainDateTime: plain,
      withTimeZone: () => zoned,
      toInstant: () => {
        // Never asked for when formatting; an instant would need the zone's rules.
        throw new Error('a school wall-clock time has no instant here');
      },
      toString: () => `${this.toString()}[${timeZone}]`,
      toJSON: () => `${this.toString()}[${timeZone}]`,
    };
    return zoned;
  }

  toString(): string {
    return `${this.date.toString()}T${pad(this.hour, 2)}:${pad(this.minute, 2)}:00`;
  }

  toJSON(): string {
    return this.toString();
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The number of days from `from` to `to`, both counted: UTC dates, so every day is 24 h. */
export function daysInclusive(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
}

export interface IcsSchool {
  name: string;
  /** The school's address: event UIDs are `<event id>@<host>`, stable across downloads. */
  host: string;
  timezone: string;
}

/**
 * An iCalendar (RFC 5545) of the school's events. Whole-day events (holidays, closures, any
 * event without times) are DATE values whose DTEND is the day after the last (exclusive). A
 * timed event is its local times with the school's TZID; one that spans several days repeats
 * daily at those times, as the school means "09:00–12:00 each day of the exams".
 *
 * The calendar-level time zone goes out as X-WR-TIMEZONE, and the VTIMEZONE block is added
 * after, rather than through ical-generator's calendar timezone, which would also write
 * DTSTAMP in the server's local time without its Z.
 */
export function buildIcs(school: IcsSchool, events: readonly EventView[]): string {
  const calendar = ical({
    name: school.name,
    prodId: { company: 'Schoolyard', product: 'calendar', language: 'EN' },
    x: [['X-WR-TIMEZONE', school.timezone]],
  });
  for (const event of events) {
    const common = {
      id: `${event.id}@${school.host}`,
      summary: event.title,
      description: event.description ?? undefined,
      categories: [{ name: event.kind.toUpperCase() }],
      lastModified: event.updatedAt,
      created: event.createdAt,
    };
    if (event.startTime === null || event.endTime === null) {
      calendar.createEvent({
        ...common,
        allDay: true,
        start: LocalDate.parse(event.startsOn),
        end: dayAfter(LocalDate.parse(event.endsOn)),
      });
      continue;
    }
    const days = daysInclusive(event.startsOn, event.endsOn);
    calendar.createEvent({
      ...common,
      timezone: school.timezone,
      start: LocalDateTime.parse(event.startsOn, event.startTime),
      end: LocalDateTime.parse(event.startsOn, event.endTime),
      repeating: days > 1 ? { freq: ICalEventRepeatingFreq.DAILY, count: days } : undefined,
    });
  }
  return withTimeZone(calendar.toString(), school.timezone, events);
}

/**
 * The file with the VTIMEZONE its TZIDs need, before the first event (ical-generator adds one
 * only through its calendar-level time zone, which would mistype DTSTAMP, see above).
 */
function withTimeZone(text: string, timeZone: string, events: readonly EventView[]): string {
  const timed = events.filter((event) => event.startTime !== null);
  if (timeZone === 'UTC' || timed.length === 0) return text;
  const years = timed.flatMap((event) =>
    [event.startsOn, event.endsOn].map((d) => Number(d.slice(0, 4))),
  );
  const block = vtimezone(timeZone, Math.min(...years), Math.max(...years));
  const at = text.indexOf('BEGIN:VEVENT');
  return `${text.slice(0, at)}${block}${text.slice(at)}`;
}

/** The next date on the calendar (DTEND of a whole-day event is exclusive). */
function dayAfter(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return new LocalDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}
