import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AccountView, IsCalendarDate, PageMeta, PersonDto } from './person.dto';

const NO_CONTROL_CHARACTERS = /^[^\p{C}]+$/u;

export class OnboardInstructorDto extends PersonDto {
  @ApiPropertyOptional({ example: 'Mathematics teacher', default: 'Instructor' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'jobTitle must not contain control characters' })
  jobTitle?: string;

  @ApiPropertyOptional({ example: 'Sciences' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  @Matches(NO_CONTROL_CHARACTERS, { message: 'department must not contain control characters' })
  department?: string;

  @ApiPropertyOptional({ example: '2025-08-25', description: 'Today when omitted' })
  @IsOptional()
  @IsCalendarDate('hireDate')
  hireDate?: string;
}

export const STAFF_STATUSES = ['active', 'left'] as const;
export type StaffStatus = (typeof STAFF_STATUSES)[number];

export class UpdateStaffDto extends PartialType(OnboardInstructorDto) {
  @ApiPropertyOptional({
    enum: STAFF_STATUSES,
    description:
      "left frees the plan's staff place and closes their portal account here; back to active takes a place again",
  })
  @IsOptional()
  @IsIn(STAFF_STATUSES, { message: `status must be one of ${STAFF_STATUSES.join(', ')}` })
  status?: StaffStatus;
}

export class StaffView {
  @ApiProperty({ format: 'uuid', description: "The staff member's profile id" }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() jobTitle!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) department!: string | null;
  @ApiProperty({ example: '2025-08-25' }) hireDate!: string;
  @ApiProperty({ enum: STAFF_STATUSES }) status!: StaffStatus;
  @ApiPropertyOptional({ type: AccountView, nullable: true }) account!: AccountView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class StaffPage {
  @ApiProperty({ type: [StaffView] }) data!: StaffView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
