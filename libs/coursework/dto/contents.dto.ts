import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { CodedRefView, IsId, IsSort, PersonRefView } from '@schoolyard/academics';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const CONTENT_KINDS = ['assignment', 'note', 'resource'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

export const MAX_POINTS_LIMIT = 100_000;

/** `true`/`false` in a query string. */
export const BooleanQuery = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );

/** Points with at most two decimals (92.5). */
export const IsPoints = (field: string, minimum: number) =>
  applyDecorators(
    Type(() => Number),
    IsNumber(
      { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false },
      { message: `${field} must be a number with at most two decimals` },
    ),
    Min(minimum),
    Max(MAX_POINTS_LIMIT),
  );

export class CreateContentDto {
  @IsId('sectionId') sectionId!: string;
  @IsId('subjectId') subjectId!: string;

  @ApiProperty({ enum: CONTENT_KINDS })
  @IsIn(CONTENT_KINDS, { message: `kind must be one of ${CONTENT_KINDS.join(', ')}` })
  kind!: ContentKind;

  @ApiProperty({ example: 'Fractions, worksheet 3', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{C}]+$/u, { message: 'title must not contain control characters' })
  title!: string;

  @ApiProperty({ example: 'Solve exercises 1 to 12.', maxLength: 20_000 })
  @IsString()
  @MaxLength(20_000)
  body!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2025-10-03T16:00:00Z',
    description: 'Assignments only; work handed in after it is marked late',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'dueAt must be an ISO 8601 date and time' })
  dueAt?: string | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 20,
    description: 'Assignments only',
  })
  @IsOptional()
  @IsPoints('maxPoints', 0.01)
  maxPoints?: number | null;

  @ApiPropertyOptional({ default: false, description: 'Students see published content only' })
  @IsOptional()
  @IsBoolean({ message: 'isPublished must be true or false' })
  isPublished?: boolean;
}

/** Where content lives and what it is stay as created; everything else may change. */
export class UpdateContentDto extends PartialType(
  OmitType(CreateContentDto, ['sectionId', 'subjectId', 'kind'] as const),
) {}

export const CONTENT_SORTS = [
  'createdAt',
  '-createdAt',
  'dueAt',
  '-dueAt',
  'title',
  '-title',
] as const;
export type ContentSort = (typeof CONTENT_SORTS)[number];

export class ContentListQuery extends PageQuery {
  @IsId('sectionId', { optional: true }) sectionId?: string;
  @IsId('subjectId', { optional: true }) subjectId?: string;
  @IsId('studentId', {
    optional: true,
    description: "Only content of this student's sections (a guardian picks a child)",
  })
  studentId?: string;

  @ApiPropertyOptional({ enum: CONTENT_KINDS })
  @IsOptional()
  @IsIn(CONTENT_KINDS, { message: `kind must be one of ${CONTENT_KINDS.join(', ')}` })
  kind?: ContentKind;

  @ApiPropertyOptional({ description: 'Only published (true) or only drafts (false)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'published must be true or false' })
  published?: boolean;

  @IsSort(CONTENT_SORTS, '-createdAt') sort: ContentSort = '-createdAt';
}

export class SectionRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '2025-2026' }) academicYear!: string;
}

export class ContentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CONTENT_KINDS }) kind!: ContentKind;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: SectionRefView }) section!: SectionRefView;
  @ApiProperty({ type: CodedRefView }) subject!: CodedRefView;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) dueAt!: Date | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) maxPoints!: number | null;
  @ApiProperty() isPublished!: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  publishedAt!: Date | null;
  @ApiPropertyOptional({ type: PersonRefView, nullable: true }) author!: PersonRefView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class ContentPage {
  @ApiProperty({ type: [ContentView] }) data!: ContentView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
