import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AcademicYearView } from './academic-years.dto';
import { EventView } from './events.dto';
import { IsLocalDate } from './fields.dto';
import { TermView } from './terms.dto';

/** The longest range one calendar request covers: a year, leap day included. */
export const MAX_CALENDAR_DAYS = 366;

export class CalendarQuery {
  @IsLocalDate('from', '2025-09-01') from!: string;
  @IsLocalDate('to', '2025-09-30', {
    description: `On or after from; at most ${MAX_CALENDAR_DAYS} days in all`,
  })
  to!: string;
}

export class IcsQuery {
  @IsLocalDate('from', '2025-09-01', {
    optional: true,
    description: 'Default: the current academic year, or today and the next 12 months',
  })
  from?: string;
  @IsLocalDate('to', '2026-06-30', { optional: true, description: 'With from' })
  to?: string;
}

export const DAY_REASONS = ['rest_day', 'holiday', 'closure', 'outside_year'] as const;
export type DayReason = (typeof DAY_REASONS)[number];

export class CalendarDayView {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() schoolDay!: boolean;
  @ApiPropertyOptional({
    enum: DAY_REASONS,
    nullable: true,
    description: 'Why it is not a school day; null on a school day',
  })
  reason!: DayReason | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  academicYearId!: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) termId!: string | null;
}

export class CalendarView {
  @ApiProperty({ example: 'Europe/London' }) timezone!: string;
  @ApiProperty({ type: [Number], example: [6, 7], description: 'ISO weekdays, 1 Monday' })
  restDays!: number[];
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: [CalendarDayView] }) days!: CalendarDayView[];
  @ApiProperty({ type: [AcademicYearView] }) academicYears!: AcademicYearView[];
  @ApiProperty({ type: [TermView] }) terms!: TermView[];
  @ApiProperty({
    type: [EventView],
    description: "Events of the range meant for the caller's audience",
  })
  events!: EventView[];
}
