import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Satisfies } from '@schoolyard/common';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

function isLocale(value: unknown): boolean {
  if (typeof value !== 'string' || value.length > 35) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const IsTimeZone = () =>
  Satisfies(
    'isTimeZone',
    (value) => typeof value === 'string' && TIME_ZONES.has(value),
    'timezone must be an IANA time zone such as Europe/London',
  );

const IsLocale = () =>
  Satisfies('isLocale', isLocale, 'locale must be a BCP 47 language tag such as en-GB');

const COLOUR = /^#[0-9a-fA-F]{6}$/;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const IsCurrency = () =>
  Satisfies(
    'isCurrency',
    (value) => typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CURRENCIES.has(value),
    'currency must be an ISO 4217 code such as NPR',
  );

export class SchoolSettingsView {
  @ApiProperty({ example: 'Oxford High School' }) displayName!: string;
  @ApiProperty({ example: 'Europe/London' }) timezone!: string;
  @ApiProperty({ example: 'en-GB' }) locale!: string;
  @ApiPropertyOptional({ type: String, example: '#002147', nullable: true })
  primaryColor!: string | null;
  @ApiPropertyOptional({ type: String, example: '#ffffff', nullable: true })
  secondaryColor!: string | null;
  @ApiProperty({
    type: [String],
    example: ['https://portal.oxford-high.org'],
    description:
      'Browser origins allowed to call this school with credentials, besides its own address',
  })
  corsOrigins!: string[];
  @ApiProperty({
    type: [Number],
    example: [6, 7],
    description: 'ISO weekdays the school rests (1 Monday .. 7 Sunday): no attendance is taken',
  })
  restDays!: number[];
  @ApiProperty({
    example: 0,
    description: "Days after a register's date its teacher may still change it (0: that day only)",
  })
  attendanceEditDays!: number;
  @ApiProperty({ example: 'NPR', description: 'ISO 4217: the currency of every fee' })
  currency!: string;
  @ApiProperty({ description: 'Notifications may also go out by email (each person may opt out)' })
  emailEnabled!: boolean;
  @ApiProperty({ description: 'Notifications may also go out by SMS, within the plan allowance' })
  smsEnabled!: boolean;
  @ApiProperty() updatedAt!: Date;
}

export class UpdateSchoolSettingsDto {
  @ApiPropertyOptional({ example: 'Oxford High School' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(/^[^\p{C}]+$/u, { message: 'displayName must not contain control characters' })
  displayName?: string;

  @ApiPropertyOptional({ example: 'Europe/London' })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ example: 'en-GB' })
  @IsOptional()
  @IsLocale()
  locale?: string;

  @ApiPropertyOptional({ example: '#002147' })
  @IsOptional()
  @Matches(COLOUR, { message: 'primaryColor must be a colour such as #002147' })
  primaryColor?: string;

  @ApiPropertyOptional({ example: '#ffffff' })
  @IsOptional()
  @Matches(COLOUR, { message: 'secondaryColor must be a colour such as #ffffff' })
  secondaryColor?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://portal.oxford-high.org'],
    description:
      "Browser origins (scheme, host, port) allowed to call this school with credentials, besides its own address; at most 10. Not the platform's or another school's address.",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  corsOrigins?: string[];

  @ApiPropertyOptional({
    type: [Number],
    example: [6, 7],
    description: 'ISO weekdays the school rests, 1 Monday .. 7 Sunday, each once; may be empty',
  })
  // Present means a list: null would clear a column that must hold one (400, not 500).
  @ValidateIf((_, value) => value !== undefined)
  @IsArray({ message: 'restDays must be a list of ISO weekdays' })
  @ArrayMaxSize(7)
  @ArrayUnique({ message: 'restDays must not repeat a day' })
  @IsInt({ each: true, message: 'restDays must hold whole numbers 1 (Monday) to 7 (Sunday)' })
  @Min(1, { each: true, message: 'restDays must hold whole numbers 1 (Monday) to 7 (Sunday)' })
  @Max(7, { each: true, message: 'restDays must hold whole numbers 1 (Monday) to 7 (Sunday)' })
  restDays?: number[];

  @ApiPropertyOptional({
    example: 3,
    minimum: 0,
    maximum: 60,
    description: "Days after a register's date its teacher may still change it (0: that day only)",
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsInt({ message: 'attendanceEditDays must be a whole number' })
  @Min(0)
  @Max(60)
  attendanceEditDays?: number;

  @ApiPropertyOptional({
    example: 'NPR',
    description: 'ISO 4217 code of every fee; fixed once the school has written an invoice',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsCurrency()
  currency?: string;

  @ApiPropertyOptional({ description: 'Send notifications by email as well as in the app' })
  // Present means a boolean: null would clear a NOT NULL column (400, not 500).
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  emailEnabled?: boolean;

  @ApiPropertyOptional({ description: 'Send notifications by SMS as well as in the app' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  smsEnabled?: boolean;
}
