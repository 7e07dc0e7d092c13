import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from './notifications-writer';

/** `?unread=true` from a query string; anything else but `false` stays as it is and is refused. */
const queryBoolean = Transform(({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value,
);

/** The inbox pages like every list; it has no free-text search. */
export class InboxQuery extends OmitType(PageQuery, ['search'] as const) {
  @ApiPropertyOptional({ description: 'Only the notifications not yet read' })
  @IsOptional()
  @queryBoolean
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;

  @ApiPropertyOptional({ enum: NOTIFICATION_CATEGORIES })
  @IsOptional()
  @IsIn(NOTIFICATION_CATEGORIES, {
    message: `category must be one of ${NOTIFICATION_CATEGORIES.join(', ')}`,
  })
  category?: NotificationCategory;
}

export class NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES }) category!: string;
  @ApiProperty({ example: 'Ana was absent on Monday 30 November 2026' }) title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({
    type: 'object',
    // Ids, dates and names, by category: flat values only.
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'What it is about (ids, dates), by category',
  })
  data!: Record<string, unknown>;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) readAt!: Date | null;
}

export class InboxPage {
  @ApiProperty({ type: [NotificationView] }) data!: NotificationView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
  @ApiProperty({ description: 'Unread notifications in all of the inbox, whatever the filter' })
  unreadCount!: number;
}

export class ReadAllView {
  @ApiProperty({ description: 'Notifications marked read now' }) marked!: number;
  @ApiProperty({ example: 0 }) unreadCount!: number;
}
