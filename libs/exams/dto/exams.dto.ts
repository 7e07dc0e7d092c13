import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsLocalDate } from '@schoolyard/calendar';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

export const EXAM_STATUSES = ['draft', 'scheduled', 'marking', 'published', 'locked'] as const;
export type ExamStatus = (typeof EXAM_STATUSES)[number];

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

const IsExamName = (optional: boolean) =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ example: 'Mid-term examination', maxLength: 120 })
      : ApiProperty({ example: 'Mid-term examination', maxLength: 120 }),
    ...(optional ? [IsOptional()] : []),
    trim,
    IsString(),
    IsNotEmpty(),
    MaxLength(120),
    Matches(/^[^\p{C}]+$/u, { message: 'name must not contain control characters' }),
  );

const IdList = (field: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(100),
    IsUUID('all', { each: true, message: `each of ${field} must be a UUID` }),
  );

export class CreateExamDto {
  @ApiProperty({ format: 'uuid', description: 'The term the exam belongs to' })
  @IsUUID('all', { message: 'termId must be a UUID' })
  termId!: string;

  @IsExamName(false) name!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "Omitted or null: the school's default scale when the exam is published",
  })
  @IsOptional()
  @IsUUID('all', { message: 'gradingScaleId must be a UUID' })
  gradingScaleId?: string | null;

  @IsLocalDate('startsOn', '2026-12-07', {
    optional: true,
    description: 'First day of the exam, within its term',
  })
  startsOn?: string | null;

  @IsLocalDate('endsOn', '2026-12-11', {
    optional: true,
    description: 'Last day of the exam (inclusive), within its term',
  })
  endsOn?: string | null;

  @IdList('levelIds', 'Academic levels that sit the exam')
  levelIds?: string[];

  @IdList('programIds', 'Programs whose levels (as they are now) sit the exam')
  programIds?: string[];
}

/** Levels and term are fixed once the exam is made: its papers were planned for them. */
export class UpdateExamDto {
  @IsExamName(true) name?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "null: the school's default scale",
  })
  @IsOptional()
  @IsUUID('all', { message: 'gradingScaleId must be a UUID' })
  gradingScaleId?: string | null;

  @IsLocalDate('startsOn', '2026-12-07', { optional: true, description: 'null clears it' })
  startsOn?: string | null;

  @IsLocalDate('endsOn', '2026-12-11', { optional: true, description: 'null clears it' })
  endsOn?: string | null;
}

export class ExamListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'termId must be a UUID' })
  termId?: string;

  @ApiPropertyOptional({ enum: EXAM_STATUSES })
  @IsOptional()
  @IsIn(EXAM_STATUSES, { message: `status must be one of ${EXAM_STATUSES.join(', ')}` })
  status?: ExamStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Exams this academic level sits' })
  @IsOptional()
  @IsUUID('all', { message: 'levelId must be a UUID' })
  levelId?: string;
}

export class ExamTermView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Autumn term' }) name!: string;
  @ApiProperty({ format: 'date' }) startsOn!: string;
  @ApiProperty({ format: 'date' }) endsOn!: string;
}

export class ExamRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class ExamView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Mid-term examination' }) name!: string;
  @ApiProperty({ enum: EXAM_STATUSES }) status!: ExamStatus;
  @ApiProperty({ type: ExamTermView }) term!: ExamTermView;
  @ApiProperty({
    type: ExamRefView,
    nullable: true,
    description: "null: the school's default scale, read when the exam is published",
  })
  gradingScale!: ExamRefView | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) startsOn!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) endsOn!: string | null;
  @ApiProperty({ type: [ExamRefView], description: 'Academic levels that sit it' })
  levels!: ExamRefView[];
  @ApiProperty({ description: 'Papers set for it' }) paperCount!: number;
  @ApiProperty({ type: Date, nullable: true }) publishedAt!: Date | null;
  @ApiProperty({ type: Date, nullable: true }) reopenedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class ExamPage {
  @ApiProperty({ type: [ExamView] }) data!: ExamView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
