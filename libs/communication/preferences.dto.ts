import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_CATEGORIES, type NotificationCategory } from './notifications-writer';

export const DELIVERY_CHANNELS = ['email', 'sms'] as const;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class ChannelPreferenceDto {
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES })
  @IsIn(NOTIFICATION_CATEGORIES, {
    message: `category must be one of ${NOTIFICATION_CATEGORIES.join(', ')}`,
  })
  category!: NotificationCategory;

  @ApiProperty({ enum: DELIVERY_CHANNELS })
  @IsIn(DELIVERY_CHANNELS, { message: 'channel must be email or sms' })
  channel!: 'email' | 'sms';

  @ApiProperty() @IsBoolean() enabled!: boolean;
}

export class QuietHoursDto {
  @ApiProperty({ example: '21:00', description: "HH:MM in the school's time zone" })
  @Matches(HH_MM, { message: 'startsAt must be a time such as 21:00' })
  startsAt!: string;

  @ApiProperty({ example: '06:30', description: 'HH:MM; before startsAt runs past midnight' })
  @Matches(HH_MM, { message: 'endsAt must be a time such as 06:30' })
  endsAt!: string;
}

export class UpdatePreferencesDto {
  @ApiPropertyOptional({
    type: [ChannelPreferenceDto],
    description: 'The switches to change; each category and channel at most once',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_CATEGORIES.length * DELIVERY_CHANNELS.length)
  @ValidateNested({ each: true })
  @Type(() => ChannelPreferenceDto)
  channels?: ChannelPreferenceDto[];

  @ApiPropertyOptional({
    type: QuietHoursDto,
    nullable: true,
    description: 'Null: no quiet hours; left out: unchanged',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto | null;
}

export class ChannelPreferenceView {
  @ApiProperty({ enum: NOTIFICATION_CATEGORIES }) category!: NotificationCategory;
  @ApiProperty({ enum: DELIVERY_CHANNELS }) channel!: 'email' | 'sms';
  @ApiProperty({ description: 'On unless switched off' }) enabled!: boolean;
}

export class SchoolChannelsView {
  @ApiProperty() email!: boolean;
  @ApiProperty() sms!: boolean;
}

export class PreferencesView {
  @ApiProperty({ type: [ChannelPreferenceView], description: 'Every category and channel' })
  channels!: ChannelPreferenceView[];
  @ApiProperty({ type: QuietHoursDto, nullable: true }) quietHours!: QuietHoursDto | null;
  @ApiProperty({
    type: SchoolChannelsView,
    description:
      'Channels the school sends by at all: a switch of a channel it has off does nothing',
  })
  schoolChannels!: SchoolChannelsView;
}
