import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId, IsSort, PersonRefView } from '@schoolyard/academics';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BooleanQuery, IsPoints } from './contents.dto';

export const SUBMISSION_STATUSES = ['submitted', 'graded', 'returned'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const MAX_ATTACHMENTS = 10;

/** What is known of a file handed in; the file itself lives in the school's file store. */
export class AttachmentDto {
  @ApiProperty({ example: 'essay.pdf', maxLength: 255 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @Matches(/^[^\p{C}/\\]+$/u, {
    message: 'fileName must not contain control characters or slashes',
  })
  fileName!: string;

  @ApiProperty({ example: 'application/pdf' })
  @IsString()
  @MaxLength(127)
  @Matches(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, {
    message: 'contentType must be a media type such as application/pdf',
  })
  contentType!: string;

  @ApiProperty({ example: 48213, minimum: 0 })
  @Type(() => Number)
  @IsInt({ message: 'sizeBytes must be a whole number' })
  @Min(0)
  @Max(1_073_741_824)
  sizeBytes!: number;

  @ApiPropertyOptional({ example: 'https://files.example.org/abc123' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'url must be an https URL' })
  @MaxLength(2000)
  url?: string;
}

export class SubmitWorkDto {
  @IsId('contentId', { description: 'The assignment' }) contentId!: string;

  @ApiProperty({ example: 'My answers: 1) 3/4 …', maxLength: 50_000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50_000)
  body!: string;

  @ApiPropertyOptional({ type: [AttachmentDto], maxItems: MAX_ATTACHMENTS })
  @IsOptional()
  @IsArray({ message: 'attachments must be a list' })
  @ArrayMaxSize(MAX_ATTACHMENTS, {
    message: `attachments may list at most ${MAX_ATTACHMENTS} files`,
  })
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

export class GradeSubmissionDto {
  @ApiProperty({ example: 17.5, minimum: 0, description: "At most the assignment's maxPoints" })
  @IsPoints('points', 0)
  points!: number;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  feedback?: string;
}

export class ReturnSubmissionDto {
  @ApiProperty({ example: 'Show your working for 4 to 6, then hand it in again.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  feedback!: string;
}

export const SUBMISSION_SORTS = ['submittedAt', '-submittedAt', 'student'] as const;
export type SubmissionSort = (typeof SUBMISSION_SORTS)[number];

export class SubmissionListQuery extends PageQuery {
  @IsId('contentId', { optional: true }) contentId?: string;
  @IsId('sectionId', { optional: true }) sectionId?: string;
  @IsId('studentId', { optional: true }) studentId?: string;

  @ApiPropertyOptional({ enum: SUBMISSION_STATUSES })
  @IsOptional()
  @IsIn(SUBMISSION_STATUSES, {
    message: `status must be one of ${SUBMISSION_STATUSES.join(', ')}`,
  })
  status?: SubmissionStatus;

  @ApiPropertyOptional({ description: 'Only late (true) or only on-time (false) work' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'late must be true or false' })
  late?: boolean;

  @IsSort(SUBMISSION_SORTS, '-submittedAt') sort: SubmissionSort = '-submittedAt';
}

export class AttachmentView {
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiPropertyOptional() url?: string;
}

export class AttemptView {
  @ApiProperty({ example: 1 }) attempt!: number;
  @ApiProperty() body!: string;
  @ApiProperty({ type: [AttachmentView] }) attachments!: AttachmentView[];
  @ApiProperty() submittedAt!: Date;
  @ApiProperty() isLate!: boolean;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'What the instructor said of it',
  })
  feedback!: string | null;
}

export class SubmittedContentView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) dueAt!: Date | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) maxPoints!: number | null;
}

export class SubmissionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: SubmittedContentView }) content!: SubmittedContentView;
  @ApiProperty({ type: PersonRefView }) student!: PersonRefView;
  @ApiProperty({ enum: SUBMISSION_STATUSES }) status!: SubmissionStatus;
  @ApiProperty({ description: 'The current attempt: 1, then 2 after a resubmission, …' })
  attempt!: number;
  @ApiProperty({ description: 'When the current attempt was handed in' }) submittedAt!: Date;
  @ApiProperty() isLate!: boolean;
  @ApiProperty({ description: "The current attempt's text" }) body!: string;
  @ApiProperty({ type: [AttachmentView] }) attachments!: AttachmentView[];
  @ApiPropertyOptional({ type: Number, nullable: true }) points!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) feedback!: string | null;
  @ApiPropertyOptional({ type: PersonRefView, nullable: true }) gradedBy!: PersonRefView | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  gradedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({
    type: [AttemptView],
    description: 'Every attempt, oldest first: on GET /api/course-content/submissions/:id only',
  })
  attempts?: AttemptView[];
}

export class SubmissionPage {
  @ApiProperty({ type: [SubmissionView] }) data!: SubmissionView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
