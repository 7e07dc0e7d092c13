import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { ALL_PERMISSION_CODES, type PermissionCode } from '../permission-catalog';

const NO_CONTROL_CHARACTERS = /^[^\p{C}]+$/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS_BUT_LINE_BREAKS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** POST creates with it; PUT replaces a role's name, description and permissions with it. */
export class RoleDto {
  @ApiProperty({ example: 'Librarian' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'name must not contain control characters' })
  name!: string;

  @ApiPropertyOptional({ type: String, example: 'Runs the library', nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(CONTROL_CHARACTERS_BUT_LINE_BREAKS, {
    message: 'description must not contain control characters other than line breaks',
  })
  description?: string | null;

  @ApiProperty({ example: ['students.view'], enum: ALL_PERMISSION_CODES, isArray: true })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(ALL_PERMISSION_CODES.length)
  @IsIn(ALL_PERMISSION_CODES, {
    each: true,
    message: 'permissions must hold only codes from GET /api/roles/permissions',
  })
  permissions!: PermissionCode[];
}

export class RoleIdParams {
  @ApiProperty({ format: 'uuid', description: 'The role' })
  @IsUUID('all', { message: 'id must be a role id (a UUID)' })
  id!: string;
}

export class AssignmentParams extends RoleIdParams {
  @ApiProperty({ format: 'uuid', description: 'The account of the person holding the role' })
  @IsUUID('all', { message: 'userId must be an account id (a UUID)' })
  userId!: string;
}

export class AssignRoleDto {
  @ApiProperty({ description: "The person's account id", format: 'uuid' })
  @IsUUID('all', { message: 'userId must be an account id (a UUID)' })
  userId!: string;
}

export class RoleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Librarian' }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ description: 'Seeded in every school; cannot be deleted' }) system!: boolean;
  @ApiPropertyOptional({
    enum: ['owner', 'admin', 'instructor', 'student', 'guardian'],
    nullable: true,
  })
  systemKey!: string | null;
  @ApiProperty({ type: [String], example: ['students.view'] }) permissions!: string[];
  @ApiProperty({ description: 'People holding this role now' }) activeHolders!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class PermissionView {
  @ApiProperty({ example: 'students.view' }) code!: string;
  @ApiProperty({ example: 'See students and their records' }) description!: string;
}

export class PermissionModuleView {
  @ApiProperty({ example: 'Students' }) module!: string;
  @ApiProperty({ type: [PermissionView] }) permissions!: PermissionView[];
}

export class AssignmentView {
  @ApiProperty({ format: 'uuid' }) roleId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() isActive!: boolean;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) grantedBy!: string | null;
  @ApiProperty() grantedAt!: Date;
}

export class HeldRoleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Instructor' }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'instructor' })
  systemKey!: string | null;
}
