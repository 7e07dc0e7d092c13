import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsLocalDate, isLocalTime } from '@schoolyard/calendar';
import { Satisfies } from '@schoolyard/common';
import {
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const Id = (field: string, description: string, optional: boolean) =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description })
      : ApiProperty({ format: 'uuid', description }),
    ...(optional ? [IsOptional()] : []),
    IsUUID('all', { message: `${field} must be a UUID` }),
  );

const StartsAt = (optional: boolean) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: String,
      example: '09:30',
      pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
      description: "Wall-clock time in the school's time zone (HH:MM)",
    }),
    ...(optional ? [IsOptional()] : []),
    Satisfies(
      'isLocalTime',
      isLocalTime,
      'startsAt must be a time such as 09:30 (HH:MM)',
    ) as PropertyDecorator,
  );

const Marks = (field: string, example: number, optional: boolean, minimum: number) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({ example, minimum, maximum: 9999.99 }),
    ...(optional ? [IsOptional()] : []),
    IsNumber(
      { maxDecimalPlaces: 2 },
      { message: `${field} must be a number with at most 2 decimals` },
    ),
    Min(minimum),
    Max(9999.99),
  );

const Duration = (optional: boolean) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({ example: 90, minimum: 1, maximum: 600 }),
    ...(optional ? [IsOptional()] : []),
    IsInt(),
    Min(1),
    Max(600),
  );

const Room = () =>
  applyDecorators(
    ApiPropertyOptional({ type: String, nullable: true, example: 'Hall B', maxLength: 60 }),
    IsOptional(),
    IsString(),
    MaxLength(60),
    Matches(/^[^\p{C}]*$/u, { message: 'room must not contain control characters' }),
  );

export class CreatePaperDto {
  @Id('subjectId', 'A subject of the level, or one taught at every level', false)
  subjectId!: string;
  @Id('levelId', 'One of the academic levels that sit the exam', false) levelId!: string;
  @Id('sectionId', 'One section of the level; omitted: every section of the level sits it', true)
  sectionId?: string | null;
  @IsLocalDate('sitsOn', '2026-12-07', {
    description: "Within the exam's dates (when it has them) and its term",
  })
  sitsOn!: string;
  @StartsAt(false) startsAt!: string;
  @Duration(false) durationMinutes!: number;
  @Marks('maxMarks', 100, false, 0.01) maxMarks!: number;
  @Marks('passMarks', 35, false, 0) passMarks!: number;
  @Room() room?: string | null;
  @Id('invigilatorId', 'A staff member who watches the room', true)
  invigilatorId?: string | null;
}

/** Any field of a paper; null clears sectionId, room and invigilatorId. */
export class UpdatePaperDto {
  @Id('subjectId', 'A subject of the level, or one taught at every level', true)
  subjectId?: string;
  @Id('levelId', 'One of the academic levels that sit the exam', true) levelId?: string;
  @Id('sectionId', 'null: every section of the level sits it', true)
  sectionId?: string | null;
  @IsLocalDate('sitsOn', '2026-12-07', { optional: true }) sitsOn?: string;
  @StartsAt(true) startsAt?: string;
  @Duration(true) durationMinutes?: number;
  @Marks('maxMarks', 100, true, 0.01) maxMarks?: number;
  @Marks('passMarks', 35, true, 0) passMarks?: number;
  @Room() room?: string | null;
  @Id('invigilatorId', 'null: nobody yet', true) invigilatorId?: string | null;
}

export class PaperListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Papers of this level' })
  @IsOptional()
  @IsUUID('all', { message: 'levelId must be a UUID' })
  levelId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "Papers this section sits: its own and its level's whole-level papers",
  })
  @IsOptional()
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId?: string;
}

export class PaperRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class PaperSubjectView extends PaperRefView {
  @ApiProperty({ example: 'MATH-7' }) code!: string;
}

export class PaperView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) examId!: string;
  @ApiProperty({ type: PaperSubjectView }) subject!: PaperSubjectView;
  @ApiProperty({ type: PaperRefView }) level!: PaperRefView;
  @ApiProperty({
    type: PaperRefView,
    nullable: true,
    description: 'null: every section of the level',
  })
  section!: PaperRefView | null;
  @ApiProperty({ format: 'date', example: '2026-12-07' }) sitsOn!: string;
  @ApiProperty({ example: '09:30' }) startsAt!: string;
  @ApiProperty({ example: 90 }) durationMinutes!: number;
  @ApiProperty({ example: 100 }) maxMarks!: number;
  @ApiProperty({ example: 35 }) passMarks!: number;
  @ApiProperty({ type: String, nullable: true }) room!: string | null;
  @ApiProperty({ type: PaperRefView, nullable: true, description: 'Staff member; name in full' })
  invigilator!: PaperRefView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class PaperList {
  @ApiProperty({ type: [PaperView], description: 'In the order they are sat' })
  data!: PaperView[];
}
