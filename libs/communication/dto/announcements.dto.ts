import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';

export const AUDIENCE_KINDS = [
  'school',
  'roles',
  'levels',
  'sections',
  'section_guardians',
] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

/** Channels besides the inbox, which every announcement reaches. */
export const ANNOUNCEMENT_CHANNELS = ['email', 'sms'] as const;
export type AnnouncementChannel = (typeof ANNOUNCEMENT_CHANNELS)[number];

/** The most ids one audience names: a longer list is a whole level or the school. */
export const MAX_AUDIENCE_IDS = 100;

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);
const NO_CONTROLS = /^(?:[^\p{Cc}]|[\n\t])*$/u;

export class AudienceDto {
  @ApiProperty({
    enum: AUDIENCE_KINDS,
    description:
      'school: every active person; roles: holders of the roles; levels and sections: their ' +
      "current students and their instructors; section_guardians: the sections' students' guardians",
  })
  @IsIn(AUDIENCE_KINDS, { message: `kind must be one of ${AUDIENCE_KINDS.join(', ')}` })
  kind!: AudienceKind;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: `Empty for school; otherwise 1 to ${MAX_AUDIENCE_IDS} ids of roles, levels or sections`,
  })
  @IsArray()
  @ArrayMaxSize(MAX_AUDIENCE_IDS)
  @ArrayUnique({ message: 'each id may appear once in ids' })
  @IsUUID('all', { each: true, message: 'each of ids must be a UUID' })
  ids!: string[];
}

class AnnouncementTextDto {
  @ApiProperty({ example: 'Sports day moves to Friday', maxLength: 200 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'title must not contain control characters' })
  title!: string;

  @ApiProperty({
    example: 'Rain is expected on Thursday, so sports day is on Friday.',
    maxLength: 20000,
  })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  @Matches(NO_CONTROLS, {
    message: 'body must not contain control characters other than line breaks',
  })
  body!: string;
}

export class CreateAnnouncementDto extends AnnouncementTextDto {
  @ApiProperty({ type: AudienceDto })
  @ValidateNested()
  @Type(() => AudienceDto)
  audience!: AudienceDto;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_CHANNELS, isArray: true, description: 'In-app always' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ANNOUNCEMENT_CHANNELS, { each: true, message: 'channels may hold email and sms' })
  channels?: AnnouncementChannel[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When to publish; now if absent or past',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'publishAt must be a date and time' })
  publishAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'After this it leaves the feed' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be a date and time' })
  expiresAt?: string;

  @ApiPropertyOptional({ default: false, description: 'Pinned ones lead the feed' })
  @IsOptional()
  @IsBoolean()
  pinned?: boolean;
}

/** Audience, channels and time change only before publication. */
export class UpdateAnnouncementDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'title must not contain control characters' })
  title?: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(20000)
  @Matches(NO_CONTROLS, {
    message: 'body must not contain control characters other than line breaks',
  })
  body?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() pinned?: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be a date and time' })
  expiresAt?: string;

  @ApiPropertyOptional({ type: AudienceDto, description: 'Before publication only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => AudienceDto)
  audience?: AudienceDto;

  @ApiPropertyOptional({
    enum: ANNOUNCEMENT_CHANNELS,
    isArray: true,
    description: 'Before publication only',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(ANNOUNCEMENT_CHANNELS, { each: true, message: 'channels may hold email and sms' })
  channels?: AnnouncementChannel[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Before publication only' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'publishAt must be a date and time' })
  publishAt?: string;
}

export class AnnouncementsQuery extends PageQuery {}

export class AudienceView {
  @ApiProperty({ enum: AUDIENCE_KINDS }) kind!: AudienceKind;
  @ApiProperty({ type: [String], format: 'uuid' }) ids!: string[];
}

export class AnnouncementView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: AudienceView }) audience!: AudienceView;
  @ApiProperty({ enum: ANNOUNCEMENT_CHANNELS, isArray: true }) channels!: AnnouncementChannel[];
  @ApiProperty() pinned!: boolean;
  @ApiProperty() publishAt!: Date;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) publishedAt!: Date | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Null until published' })
  recipients!: number | null;
  @ApiProperty({ description: 'Recipients who marked it read' }) readCount!: number;
  @ApiProperty() createdAt!: Date;
}

export class AnnouncementPage {
  @ApiProperty({ type: [AnnouncementView] }) data!: AnnouncementView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class FeedItemView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty() pinned!: boolean;
  @ApiProperty() publishedAt!: Date;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) expiresAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) readAt!: Date | null;
}

export class FeedPage {
  @ApiProperty({ type: [FeedItemView] }) data!: FeedItemView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class ReadReceiptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() readAt!: Date;
}
