import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { IsISO8601, IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';

/** Only paging: a history is already narrowed to one person. */
export class AuditPageQuery extends PickType(PageQuery, ['page', 'pageSize'] as const) {}

const WORD = /^[a-z][a-z0-9_.]{0,63}$/;
const WHEN =
  'An ISO date (2026-11-30: the whole day, in the school time zone) or timestamp (2026-11-30T08:00:00Z)';

export class AuditEventsQuery extends AuditPageQuery {
  @ApiPropertyOptional({
    example: 'exam_mark',
    description: 'What changed: student, profile, submission, exam_mark, ...',
  })
  @IsOptional()
  @Matches(WORD, { message: 'entityType must be a lower-case word such as exam_mark' })
  entityType?: string;

  @ApiPropertyOptional({
    description: "The entity's id (two ids joined with '/' for a link, such as paperId/studentId)",
  })
  @IsOptional()
  @MaxLength(200)
  @Matches(/^[0-9A-Za-z/_.:-]+$/, { message: 'entityId must be an id' })
  entityId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Who acted: their account id or their profile id in this school',
  })
  @IsOptional()
  @IsUUID('all', { message: 'actor must be a UUID' })
  actor?: string;

  @ApiPropertyOptional({
    example: 'updated',
    description: 'created, updated, deleted, signed_in, ...',
  })
  @IsOptional()
  @Matches(WORD, { message: 'action must be a lower-case word such as updated' })
  action?: string;

  @ApiPropertyOptional({ description: `From this moment on. ${WHEN}` })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO date or timestamp' })
  from?: string;

  @ApiPropertyOptional({ description: `Up to this moment, included. ${WHEN}` })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO date or timestamp' })
  to?: string;
}

export class AuditActorView {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Null for jobs and the CLI',
  })
  accountId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Their profile here then',
  })
  profileId!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The profile's current name, while the profile exists",
  })
  name!: string | null;
}

/** A free-form object of the entry's fields (a row's columns, an event's details). */
const FIELDS = { type: 'object', additionalProperties: true, nullable: true } as const;

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: AuditActorView }) actor!: AuditActorView;
  @ApiProperty({ type: String, nullable: true, description: 'The X-Request-Id of the request' })
  requestId!: string | null;
  @ApiProperty({ type: String, nullable: true }) clientAddress!: string | null;
  @ApiProperty({ example: 'updated' }) action!: string;
  @ApiProperty({ example: 'exam_mark' }) entityType!: string;
  @ApiProperty({ type: String, nullable: true }) entityId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The person the entry is about (a pseudonym once a student is purged)',
  })
  personId!: string | null;
  @ApiProperty({ ...FIELDS, description: 'Fields before (updated: only those changed)' })
  before!: Record<string, unknown> | null;
  @ApiProperty({ ...FIELDS, description: 'Fields after (updated: only those changed)' })
  after!: Record<string, unknown> | null;
  @ApiProperty({ ...FIELDS, description: "An application event's particulars" })
  details!: Record<string, unknown> | null;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventView] }) data!: AuditEventView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
