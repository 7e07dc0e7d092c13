import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Satisfies } from '@schoolyard/common';
import { checkSubdomain } from '@schoolyard/tenancy';

const NAME_PART = /^[^\p{C}]+$/u;

/** The same rule the provisioning applies, reported with the other field problems. */
const IsSchoolSubdomain = () =>
  Satisfies(
    'isSchoolSubdomain',
    (value) => typeof value === 'string' && checkSubdomain(value).ok,
    (args) =>
      typeof args.value === 'string'
        ? `subdomain ${checkSubdomain(args.value).message}`
        : 'subdomain must be a string',
  );

/** The owner's names in the new school (their profile there). */
export class SchoolOwnerNamesDto {
  @ApiProperty({ example: 'Alice' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  @Matches(NAME_PART, { message: 'firstName must not contain control characters' })
  firstName!: string;

  @ApiPropertyOptional({ example: 'Jones' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(/^[^\p{C}]*$/u, { message: 'middleName must not contain control characters' })
  middleName?: string;

  @ApiProperty({ example: 'Williams' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(80)
  @Matches(NAME_PART, { message: 'lastName must not contain control characters' })
  lastName!: string;
}

export class SchoolOwnerDto extends SchoolOwnerNamesDto {
  @ApiProperty({ example: 'alice@oxford.example' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    minLength: 10,
    maxLength: 256,
    example: 'correct horse battery',
    description: 'Not your name or email, not a well-known password',
  })
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  password!: string;
}

/** What every new school needs, whoever asks for it. */
class NewSchoolDto {
  @ApiProperty({ example: 'Oxford High School' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(NAME_PART, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    example: 'oxford',
    description:
      'Lower-case letters, digits and single hyphens, 2-41 characters, starting with a letter',
  })
  @IsSchoolSubdomain()
  subdomain!: string;
}

/** A school and a new owner account. */
export class RegisterSchoolDto extends NewSchoolDto {
  @ApiProperty({ type: SchoolOwnerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SchoolOwnerDto)
  owner!: SchoolOwnerDto;
}

/** A school for the signed-in account: the owner is the caller, so no email or password. */
export class CreateSchoolDto extends NewSchoolDto {
  @ApiProperty({ type: SchoolOwnerNamesDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SchoolOwnerNamesDto)
  owner!: SchoolOwnerNamesDto;
}

export class CheckDomainQueryDto {
  @ApiProperty({ example: 'oxford' })
  @IsString()
  @MaxLength(100)
  subdomain!: string;
}
