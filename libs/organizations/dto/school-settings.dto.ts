import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';

const TIME_ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

function IsTimeZone(options?: ValidationOptions) {
  return (target: object, property: string) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: property,
      options: {
        message: `${property} must be an IANA time zone such as Europe/London`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && TIME_ZONES.has(value),
      },
    });
}

function IsLocale(options?: ValidationOptions) {
  return (target: object, property: string) =>
    registerDecorator({
      name: 'isLocale',
      target: target.constructor,
      propertyName: property,
      options: { message: `${property} must be a BCP 47 language tag such as en-GB`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value.length > 35) return false;
          try {
            return Intl.getCanonicalLocales(value).length === 1;
          } catch {
            return false;
          }
        },
      },
    });
}

const COLOUR = /^#[0-9a-fA-F]{6}$/;

export class SchoolSettingsView {
  @ApiProperty({ example: 'Oxford High School' }) displayName!: string;
  @ApiProperty({ example: 'Europe/London' }) timezone!: string;
  @ApiProperty({ example: 'en-GB' }) locale!: string;
  @ApiPropertyOptional({ example: '#002147', nullable: true }) primaryColor!: string | null;
  @ApiPropertyOptional({ example: '#ffffff', nullable: true }) secondaryColor!: string | null;
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
}
