import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DateRangeQuery, IsLocalDate } from './dates.dto';

export const SESSION_KINDS = ['daily', 'lesson'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const MARKS = ['present', 'absent', 'late', 'excused'] as const;
export type Mark = (typeof MARKS)[number];

export class CreateSessionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId!: string;

  @IsLocalDate('date', '2026-11-30', "The school's local date of the register")
  date!: string;

  @ApiProperty({
    enum: SESSION_KINDS,
    description: 'daily: the homeroom register; lesson: one period of a subject',
  })
  @IsIn(SESSION_KINDS, { message: 'kind must be daily or lesson' })
  kind!: SessionKind;

  @ApiPropertyOptional({ format: 'uuid', description: "The lesson's subject (lessons only)" })
  @IsOptional()
  @IsUUID('all', { message: 'subjectId must be a UUID' })
  subjectId?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 24,
    description: "The lesson's timetable period (lessons only)",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'period must be a whole number' })
  @Min(1)
  @Max(24)
  period?: number;
}

export class SessionListQuery extends DateRangeQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId!: string;

  @ApiPropertyOptional({ enum: SESSION_KINDS })
  @IsOptional()
  @IsIn(SESSION_KINDS, { message: 'kind must be daily or lesson' })
  kind?: SessionKind;
}

export class RecordDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId!: string;

  @ApiProperty({ enum: MARKS })
  @IsIn(MARKS, { message: 'status must be present, absent, late or excused' })
  status!: Mark;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 600,
    description: 'Required when late, refused otherwise',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'lateMinutes must be a whole number' })
  @Min(1)
  @Max(600)
  lateMinutes?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'note must not contain control characters' })
  note?: string;
}

/** The largest register one save carries: a section's capacity is at most 1000. */
export const MAX_RECORDS = 1000;

export class SaveRecordsDto {
  @ApiProperty({ type: [RecordDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECORDS)
  @ArrayUnique((record: RecordDto) => record?.studentId, {
    message: 'each student may appear once in records',
  })
  @ValidateNested({ each: true })
  @Type(() => RecordDto)
  records!: RecordDto[];
}

export class SubjectRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

export class MarkCountsView {
  @ApiProperty() present!: number;
  @ApiProperty() absent!: number;
  @ApiProperty() late!: number;
  @ApiProperty() excused!: number;
}

export class SessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ type: SubjectRefView, nullable: true }) subject!: SubjectRefView | null;
  @ApiProperty({ description: '0 for the daily register' }) period!: number;
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'Reopened by the office until this day',
  })
  unlockedUntil!: string | null;
  @ApiProperty({ type: MarkCountsView }) counts!: MarkCountsView;
}

export class RegisterEntryView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) displayName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ description: 'students.status today: only active students can be marked' })
  studentStatus!: string;
  @ApiProperty({ enum: MARKS, nullable: true, description: 'null: not marked yet' })
  status!: Mark | null;
  @ApiProperty({ type: Number, nullable: true }) lateMinutes!: number | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Profile of whoever saved the mark last',
  })
  recordedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) recordedAt!: string | null;
}

export class RegisterView extends SessionView {
  @ApiProperty({
    type: [RegisterEntryView],
    description: 'Every student of the section on that date',
  })
  register!: RegisterEntryView[];
}
