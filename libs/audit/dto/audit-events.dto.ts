import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { PageMeta, PageQuery, Satisfies } from '@schoolyard/common';
import { IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';

/** Only paging: a history is already narrowed to one person. */
export class AuditPageQuery extends PickType(PageQuery, ['page', 'pageSize'] as const) {}

const WORD = /^[a-z][a-z0-9_.]{0,63}$/;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-](0\d|1[0-5]):?[0-5]\d)$/;

/**
 * `2026-11-30` or `2026-11-30T08:00:00Z`, a day that exists, in years 1000–9999: the forms
 * both JavaScript and PostgreSQL read alike (ISO week dates, ordinal dates and year 0 pass
 * class-validator's ISO check but not PostgreSQL). A timestamp must carry its offset (Z or
 * ±hh:mm up to ±15:59, PostgreSQL's limit): without one, JavaScript would read it in the
 * server's zone and PostgreSQL in the session's, so the same text could mean two moments.
 */
export function isAuditMoment(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const parts = DATE.exec(value) ?? TIMESTAMP.exec(value);
  if (!parts) return false;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    year >= 1000 &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

const Moment = (field: string) =>
  Satisfies(
    'isAuditMoment',
    isAuditMoment,
    `${field} must be a date such as 2026-11-30 or a timestamp with its offset such as 2026-11-30T08:00:00Z`,
  );
const WHEN =
  'An ISO date (2026-11-30: the whole day, in the school time zone) or a timestamp with its offset (2026-11-30T08:00:00Z, 2026-11-30T13:45:00+05:45; an offset is required, at most ±15:59)';

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
  @Moment('from')
  from?: string;

  @ApiPropertyOptional({ description: `Up to this moment, included. ${WHEN}` })
  @IsOptional()
  @Moment('to')
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
