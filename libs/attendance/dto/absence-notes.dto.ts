import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { MAX_NOTE_DAYS } from '../absence-notes.errors';

export const NOTE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** A local date of the school (YYYY-MM-DD), no time and no zone. */
const IsLocalDate = (field: string, description?: string) =>
  applyDecorators(
    ApiProperty({ format: 'date', example: '2026-11-30', description }),
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: `${field} must be a date such as 2026-11-30` }),
    IsISO8601({ strict: true }, { message: `${field} must be a real date` }),
  );

export class SubmitAbsenceNoteDto {
  @IsLocalDate('fromDate') fromDate!: string;

  @IsLocalDate('toDate', `On or after fromDate, at most ${MAX_NOTE_DAYS} days in all`)
  toDate!: string;

  @ApiProperty({ example: 'Ana has the flu; the doctor says two days at home.', maxLength: 2000 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  @Matches(/^(?:[^\p{Cc}]|[\n\t])*$/u, {
    message: 'reason must not contain control characters other than line breaks',
  })
  reason!: string;
}

export class DecideAbsenceNoteDto {
  @ApiPropertyOptional({ example: 'Doctor’s letter seen.', maxLength: 1000 })
  @IsOptional()
  @trim
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class AbsenceNotesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: NOTE_STATUSES })
  @IsOptional()
  @IsIn(NOTE_STATUSES, { message: `status must be one of ${NOTE_STATUSES.join(', ')}` })
  status?: NoteStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the notes of this student' })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class AbsenceNoteView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) studentName!: string;
  @ApiProperty({ format: 'date' }) fromDate!: string;
  @ApiProperty({ format: 'date' }) toDate!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: NOTE_STATUSES }) status!: NoteStatus;
  @ApiProperty({ type: String, nullable: true, description: 'Who sent it, when they still exist' })
  submittedBy!: string | null;
  @ApiProperty() submittedAt!: Date;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) decidedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote!: string | null;
}

export class AbsenceNotePage {
  @ApiProperty({ type: [AbsenceNoteView] }) data!: AbsenceNoteView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class AbsenceNoteDecisionView extends AbsenceNoteView {
  @ApiProperty({ description: 'Absences on the note’s days that became excused' })
  excusedRecords!: number;
  @ApiProperty({ description: 'Alerts to guardians not yet sent that were cancelled' })
  cancelledAlerts!: number;
}
