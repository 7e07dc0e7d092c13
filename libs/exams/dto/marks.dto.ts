import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/** One student's entry: a mark or an absence, never both, never neither. */
export class MarkEntryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId!: string;

  @ApiPropertyOptional({
    minimum: 0,
    description: "0 up to the paper's maximum, at most 2 decimals; leave out when absent",
    example: 42.5,
  })
  @IsOptional()
  @IsNumber(
    { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false },
    { message: 'marks must be a number with at most 2 decimals' },
  )
  @Min(0)
  marks?: number;

  @ApiPropertyOptional({
    description: 'true: the student did not sit the paper (stored apart from a mark of 0)',
  })
  @IsOptional()
  @IsBoolean()
  absent?: boolean;
}

/** The largest section one save carries: a section's capacity is at most 1000. */
export const MAX_MARK_ENTRIES = 1000;

/** A reason is kept in the history: not blank, and no control characters to spoil reports. */
const REASON = /^(?=.*\S)[^\p{Cc}]*$/u;

export class SaveMarksDto {
  @ApiProperty({ format: 'uuid', description: 'The section these students sit the paper in' })
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId!: string;

  @ApiPropertyOptional({
    maxLength: 500,
    description: 'Why marks change: required once the exam has been published (kept in history)',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  @Matches(REASON, { message: 'reason must not be blank nor contain control characters' })
  reason?: string;

  @ApiProperty({ type: [MarkEntryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_MARK_ENTRIES)
  @ArrayUnique((entry: MarkEntryDto) => entry?.studentId, {
    message: 'each student may appear once in marks',
  })
  @ValidateNested({ each: true })
  @Type(() => MarkEntryDto)
  marks!: MarkEntryDto[];
}

export class MarksQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId!: string;
}

export class MarkHistoryQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this student's changes" })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class ReopenExamDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Paper 2 of 7B was marked twice' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  @Matches(REASON, { message: 'reason must not be blank nor contain control characters' })
  reason!: string;
}

export class MarkRowView {
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) displayName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null: absent, or not entered yet' })
  marks!: number | null;
  @ApiProperty({ description: 'Entered as absent (not the same as 0)' }) absent!: boolean;
  @ApiProperty({ description: 'false: nothing entered for this student yet' }) entered!: boolean;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Profile of whoever entered the current mark',
  })
  enteredBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) enteredAt!: string | null;
}

export class SectionMarksView {
  @ApiProperty({ format: 'uuid' }) paperId!: string;
  @ApiProperty({ format: 'uuid' }) examId!: string;
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiProperty({ format: 'date', description: 'The day the paper is sat' }) sitsOn!: string;
  @ApiProperty({ example: 100 }) maxMarks!: number;
  @ApiProperty({ enum: ['draft', 'scheduled', 'marking', 'published', 'locked'] })
  examStatus!: string;
  @ApiProperty({ description: 'Published before: changes need a reason and are kept' })
  keepsHistory!: boolean;
  @ApiProperty({
    type: [MarkRowView],
    description: "The section's active students on the paper's date",
  })
  marks!: MarkRowView[];
}

export class MarkChangeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ type: Number, nullable: true }) oldMarks!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null: nothing was entered before' })
  oldAbsent!: boolean | null;
  @ApiProperty({ type: Number, nullable: true }) newMarks!: number | null;
  @ApiProperty() newAbsent!: boolean;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) changedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Ines Teacher' })
  changedByName!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class ReopenedExamView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['marking'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ format: 'date-time' }) reopenedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) reopenedBy!: string | null;
  @ApiProperty() reopenReason!: string;
}
