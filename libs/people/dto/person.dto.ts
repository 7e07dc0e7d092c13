import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

export { IdParams, PageMeta, PageQuery } from '@schoolyard/common';

const NO_CONTROL_CHARACTERS = /^[^\p{C}]+$/u;

/** Names and contact of a person, as the office types them. */
export class PersonDto {
  @ApiProperty({ example: 'José' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'firstName must not contain control characters' })
  firstName!: string;

  @ApiPropertyOptional({ example: 'María' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'middleName must not contain control characters' })
  middleName?: string;

  @ApiProperty({ example: 'Núñez' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'lastName must not contain control characters' })
  lastName!: string;

  @ApiPropertyOptional({ example: 'jose@example.org' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;
}

export const IsCalendarDate = (field: string) =>
  IsISO8601(
    { strict: true, strictSeparator: true },
    { message: `${field} must be a date such as 2025-09-01` },
  );

/** The linked account as the school may see it; null until portal activation. */
export class AccountView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'josenunez' }) username!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty() isActive!: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastLoginAt!: Date | null;
}

export const MAX_ACTIVATION_BATCH = 200;

/** 1 to MAX_ACTIVATION_BATCH distinct ids: activation hashes a password per person. */
const ActivationIds = (field: string) =>
  applyDecorators(
    ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_ACTIVATION_BATCH }),
    IsArray({ message: `${field} must be a list of ids` }),
    ArrayMinSize(1, { message: `${field} must name at least one person` }),
    ArrayMaxSize(MAX_ACTIVATION_BATCH, {
      message: `${field} may name at most ${MAX_ACTIVATION_BATCH} people per request`,
    }),
    ArrayUnique({ message: `${field} must not repeat an id` }),
    IsUUID('all', { each: true, message: `each of ${field} must be a UUID` }),
  );

export class StudentActivationDto {
  @ActivationIds('studentIds') studentIds!: string[];
}

export class StaffActivationDto {
  @ActivationIds('staffIds') staffIds!: string[];
}

export class GuardianActivationDto {
  @ActivationIds('guardianIds') guardianIds!: string[];
}

export class ActivatedPersonView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'josenunez' }) username!: string;
  @ApiProperty({
    description:
      "The new account's temporary password, for the credential slip. Every activation makes an account of this school; a verified holder of the same email is invited by mail to link their own instead.",
  })
  temporaryPassword!: string;
}

export class SkippedPersonView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ enum: ['NOT_FOUND', 'ALREADY_ACTIVE'] }) reason!: 'NOT_FOUND' | 'ALREADY_ACTIVE';
}

export class ActivationView {
  @ApiProperty({ type: [ActivatedPersonView] }) activated!: ActivatedPersonView[];
  @ApiProperty({ type: [SkippedPersonView] }) skipped!: SkippedPersonView[];
}

export class DeactivatedPersonView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ format: 'uuid', description: 'The account this person no longer uses here' })
  userId!: string;
}

export class DeactivationSkipView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({
    enum: ['NOT_FOUND', 'NOT_ACTIVE'],
    description: 'NOT_FOUND: no such person of this kind here; NOT_ACTIVE: no portal account',
  })
  reason!: 'NOT_FOUND' | 'NOT_ACTIVE';
}

export class DeactivationView {
  @ApiProperty({ type: [DeactivatedPersonView] }) deactivated!: DeactivatedPersonView[];
  @ApiProperty({ type: [DeactivationSkipView] }) skipped!: DeactivationSkipView[];
}

export class PasswordResetView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'josenunez' }) username!: string;
  @ApiProperty({
    example: 'Hk7pQ-x9RtZ-m2VwB',
    description:
      'The new temporary password, also on the credential slip until its holder changes it at their next sign-in',
  })
  temporaryPassword!: string;
}

export class CredentialSlipView {
  @ApiProperty({ format: 'uuid' }) profileId!: string;
  @ApiProperty({ example: 'José Núñez' }) displayName!: string;
  @ApiProperty({ example: 'josenunez' }) username!: string;
  @ApiProperty({ example: 'Hk7pQ-x9RtZ-m2VwB' }) temporaryPassword!: string;
}

export const RELATIONSHIPS = [
  'mother',
  'father',
  'guardian',
  'grandparent',
  'sibling',
  'other',
] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export const IsRelationship = () =>
  IsIn(RELATIONSHIPS, { message: `relationship must be one of ${RELATIONSHIPS.join(', ')}` });
