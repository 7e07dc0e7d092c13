import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Satisfies } from '@schoolyard/common';
import { IsOptional } from 'class-validator';
import { RefView } from './fields.dto';
import { EnrolmentView, EnrolStudentsDto } from './sections.dto';

/**
 * A date written YYYY-MM-DD that exists on the calendar: 2026-02-30 is refused here, as a
 * 400 with the other fields' problems, rather than by PostgreSQL as a 500.
 */
export function isLocalDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/** An optional local date (the school's calendar, no time zone). */
const IsLocalDate = (field: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date', example: '2025-09-01', description }),
    IsOptional(),
    Satisfies(
      'isLocalDate',
      isLocalDate,
      `${field} must be a date such as 2025-09-01`,
    ) as PropertyDecorator,
  );

/** Who joins the section, and from which day. */
export class EnrolInSectionDto extends EnrolStudentsDto {
  @IsLocalDate(
    'joinedOn',
    "The first day in the section (default: today, the school's local date). Not in the future, not before the section's academic year starts",
  )
  joinedOn?: string;
}

export class EnrolledView extends EnrolmentView {
  @ApiProperty({
    format: 'date',
    example: '2025-09-01',
    description: 'The day the added students joined',
  })
  joinedOn!: string;
}

export class WithdrawalQuery {
  @IsLocalDate(
    'leftOn',
    "The first day the student is no longer in the section (default: today, the school's local date). Not in the future, not before they joined",
  )
  leftOn?: string;
}

export class RosterQuery {
  @IsLocalDate('on', "The day (default: today, the school's local date)")
  on?: string;
}

export class RosterStudentView {
  @ApiProperty({ format: 'uuid', description: "The student's profile id" }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiProperty() admissionNumber!: string;
  @ApiProperty({ example: 'active', description: "The student's status in the school today" })
  status!: string;
  @ApiProperty({ format: 'date', example: '2025-09-01' }) joinedOn!: string;
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The first day no longer in the section; null while they still are',
  })
  leftOn!: string | null;
}

export class RosterView {
  @ApiProperty({ format: 'uuid' }) sectionId!: string;
  @ApiProperty({ format: 'date', example: '2025-09-01', description: 'The day the roster is of' })
  on!: string;
  @ApiProperty({ type: [RosterStudentView], description: 'By last name, then first name' })
  students!: RosterStudentView[];
}

/** One stay of a student in a section. */
export class MembershipView {
  @ApiProperty({ format: 'uuid', description: 'The membership' }) id!: string;
  @ApiProperty({ type: RefView }) section!: RefView;
  @ApiProperty({ type: RefView }) academicYear!: RefView;
  @ApiProperty({ type: RefView }) level!: RefView;
  @ApiProperty({ format: 'date', example: '2025-09-01' }) joinedOn!: string;
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The first day no longer in the section; null while they still are',
  })
  leftOn!: string | null;
  @ApiProperty({ description: 'In the section now' }) current!: boolean;
}
