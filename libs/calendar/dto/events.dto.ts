import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarName, IsLocalDate, IsLocalTime } from './fields.dto';

export const EVENT_KINDS = [
  'holiday',
  'closure',
  'event',
  'exam_period',
  'parents_meeting',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kinds that close the school for whole days: no attendance is taken on them. */
export const CLOSING_KINDS: readonly EventKind[] = ['holiday', 'closure'];

export const AUDIENCES = ['everyone', 'staff', 'students', 'guardians'] as const;
export type Audience = (typeof AUDIENCES)[number];

export class CreateEventDto {
  @ApiProperty({
    enum: EVENT_KINDS,
    description: 'holiday and closure close the school (whole days, no attendance)',
  })
  @IsIn(EVENT_KINDS, { message: `kind must be one of ${EVENT_KINDS.join(', ')}` })
  kind!: EventKind;

  @IsCalendarName('title', 'Winter break', { maxLength: 200 }) title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @IsLocalDate('startsOn', '2025-12-22') startsOn!: string;
  @IsLocalDate('endsOn', '2026-01-02', { description: 'Last day, inclusive' }) endsOn!: string;

  @IsLocalTime(
    'startTime',
    '18:00',
    "Local start time on each day, in the school's time zone; with endTime, or neither (all day)",
  )
  startTime?: string | null;

  @IsLocalTime('endTime', '20:00', 'Local end time, after startTime')
  endTime?: string | null;

  @ApiPropertyOptional({ enum: AUDIENCES, default: 'everyone' })
  @IsOptional()
  @IsIn(AUDIENCES, { message: `audience must be one of ${AUDIENCES.join(', ')}` })
  audience?: Audience;
}

export class UpdateEventDto extends PartialType(CreateEventDto) {}

export class EventListQuery extends PageQuery {
  @IsLocalDate('from', '2025-09-01', {
    optional: true,
    description: 'Only events that end on or after this date',
  })
  from?: string;

  @IsLocalDate('to', '2025-09-30', {
    optional: true,
    description: 'Only events that start on or before this date',
  })
  to?: string;

  @ApiPropertyOptional({ enum: EVENT_KINDS })
  @IsOptional()
  @IsIn(EVENT_KINDS, { message: `kind must be one of ${EVENT_KINDS.join(', ')}` })
  kind?: EventKind;
}

export class EventView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: EVENT_KINDS }) kind!: EventKind;
  @ApiProperty() title!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date', description: 'Inclusive' }) endsOn!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '18:00' })
  startTime!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '20:00' })
  endTime!: string | null;
  @ApiProperty({ enum: AUDIENCES }) audience!: Audience;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The profile that created it',
  })
  createdBy!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class EventPage {
  @ApiProperty({ type: [EventView] }) data!: EventView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
