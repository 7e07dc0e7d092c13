import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { AccountView, IsCalendarDate, PageMeta, PageQuery, PersonDto } from './person.dto';

export const STUDENT_STATUSES = ['active', 'graduated', 'withdrawn', 'suspended'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

export const GENDERS = ['female', 'male', 'other', 'unspecified'] as const;

export const STUDENT_SORTS = [
  'lastName',
  '-lastName',
  'firstName',
  '-firstName',
  'admissionNumber',
  '-admissionNumber',
  'admissionDate',
  '-admissionDate',
  'createdAt',
  '-createdAt',
] as const;
export type StudentSort = (typeof STUDENT_SORTS)[number];

export class EnrollStudentDto extends PersonDto {
  @ApiProperty({ example: 'A-2025-0042' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N}\-/. ]*$/u, {
    message: 'admissionNumber may hold letters, digits, spaces and - / . only',
  })
  admissionNumber!: string;

  @ApiPropertyOptional({ example: '2025-09-01', description: 'Today when omitted' })
  @IsOptional()
  @IsCalendarDate('admissionDate')
  admissionDate?: string;

  @ApiPropertyOptional({ example: '2012-04-17' })
  @IsOptional()
  @IsCalendarDate('dateOfBirth')
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS, { message: `gender must be one of ${GENDERS.join(', ')}` })
  gender?: (typeof GENDERS)[number];
}

export class UpdateStudentDto extends PartialType(EnrollStudentDto) {
  @ApiPropertyOptional({ enum: STUDENT_STATUSES })
  @IsOptional()
  @IsIn(STUDENT_STATUSES, { message: `status must be one of ${STUDENT_STATUSES.join(', ')}` })
  status?: StudentStatus;
}

export class StudentListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STUDENT_STATUSES })
  @IsOptional()
  @IsIn(STUDENT_STATUSES, { message: `status must be one of ${STUDENT_STATUSES.join(', ')}` })
  status?: StudentStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Only the students in this section now (GET /api/academics/sections/:id/students?on= for another day)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'sectionId must be a UUID' })
  sectionId?: string;

  @ApiPropertyOptional({ enum: STUDENT_SORTS, default: 'lastName' })
  @IsOptional()
  @IsIn(STUDENT_SORTS, { message: `sort must be one of ${STUDENT_SORTS.join(', ')}` })
  sort: StudentSort = 'lastName';
}

export class RemoveStudentQuery {
  @ApiPropertyOptional({
    description:
      'Delete the student for good and unlink the account (needs students.purge); default: withdraw',
    default: false,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'permanent must be true or false' })
  permanent: boolean = false;
}

export class GuardianRefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ example: 'mother' }) relationship!: string;
}

export class StudentView {
  @ApiProperty({ format: 'uuid', description: "The student's profile id" }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2012-04-17' })
  dateOfBirth!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) gender!: string | null;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ format: 'date', example: '2025-09-01' }) admissionDate!: string;
  @ApiProperty({ enum: STUDENT_STATUSES }) status!: StudentStatus;
  @ApiPropertyOptional({ type: AccountView, nullable: true }) account!: AccountView | null;
  @ApiPropertyOptional({ type: [GuardianRefView], description: 'On GET /api/students/:id only' })
  guardians?: GuardianRefView[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class StudentPage {
  @ApiProperty({ type: [StudentView] }) data!: StudentView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
