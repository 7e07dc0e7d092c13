import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

export const THREAD_KINDS = ['staff_guardian', 'staff_staff', 'staff_student'] as const;
export type ThreadKind = (typeof THREAD_KINDS)[number];
export const PARTICIPANT_KINDS = ['staff', 'guardian', 'student'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];
export const THREAD_SCOPES = ['mine', 'oversee'] as const;
export type ThreadScope = (typeof THREAD_SCOPES)[number];

/** Most people one thread is opened with, besides its author. */
export const MAX_PARTICIPANTS = 20;

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** Line breaks and tabs are a message's own; other control characters are not text. */
const TEXT = /^(?:[^\p{Cc}]|[\n\t])*$/u;

export class PostMessageDto {
  @ApiProperty({ example: 'Ana did well in today’s test.', maxLength: 10000 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(10000)
  @Matches(TEXT, { message: 'body must not contain control characters other than line breaks' })
  body!: string;
}

export class OpenThreadDto extends PostMessageDto {
  @ApiProperty({ example: 'Maths homework', maxLength: 200 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}]*$/u, { message: 'subject must not contain control characters' })
  subject!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_PARTICIPANTS,
    description:
      'Profile ids of the people to write to, besides you: staff with guardians, staff only, or staff with students',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PARTICIPANTS)
  @IsUUID('all', { each: true, message: 'each participantId must be a UUID' })
  participantIds!: string[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: "The student the thread is about; guardians named must be this student's",
  })
  @IsOptional()
  @IsUUID('all', { message: 'studentId must be a UUID' })
  studentId?: string;
}

export class ThreadsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: THREAD_SCOPES,
    default: 'mine',
    description: 'oversee (messages.oversee): every staff–student thread as well as your own',
  })
  @IsOptional()
  @IsIn(THREAD_SCOPES, { message: `scope must be one of ${THREAD_SCOPES.join(', ')}` })
  scope: ThreadScope = 'mine';
}

export class MessagesQuery extends OmitType(PageQuery, ['search'] as const) {}

export class ParticipantView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ example: 'Gwen Guardian' }) name!: string;
  @ApiProperty({ enum: PARTICIPANT_KINDS }) kind!: ParticipantKind;
}

export class StudentRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Ana Pupil' }) name!: string;
}

export class ThreadSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: THREAD_KINDS }) kind!: ThreadKind;
  @ApiProperty() subject!: string;
  @ApiProperty({ type: StudentRefView, nullable: true }) student!: StudentRefView | null;
  @ApiProperty({ type: [ParticipantView] }) participants!: ParticipantView[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() lastMessageAt!: Date;
  @ApiProperty({ description: 'Whether you take part (an overseer may only read)' })
  participating!: boolean;
  @ApiProperty({ description: 'Messages by others since you last read the thread' })
  unreadCount!: number;
}

export class ThreadPage {
  @ApiProperty({ type: [ThreadSummaryView] }) data!: ThreadSummaryView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
  @ApiProperty({ description: 'Unread messages in all your threads, not only this page' })
  unread!: number;
}

export class MessageView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: ParticipantView, nullable: true, description: 'null: the author is gone' })
  author!: ParticipantView | null;
  @ApiProperty() body!: string;
  @ApiProperty() createdAt!: Date;
}

export class MessagePage {
  @ApiProperty({ type: [MessageView] }) data!: MessageView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}

export class ThreadView extends OmitType(ThreadSummaryView, ['unreadCount'] as const) {
  @ApiProperty({ type: MessagePage, description: 'Oldest first' }) messages!: MessagePage;
}

export class OpenedThreadView extends OmitType(ThreadSummaryView, ['unreadCount'] as const) {
  @ApiProperty({ type: MessageView }) message!: MessageView;
}

export class UnreadView {
  @ApiProperty({ description: 'Unread messages in all your threads' }) unread!: number;
}
