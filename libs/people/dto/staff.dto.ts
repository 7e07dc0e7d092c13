import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
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

export class StaffView {
  @ApiProperty({ format: 'uuid', description: "The staff member's profile id" }) id!: string;
  @ApiProperty() firstName!: string;
  @ApiPropertyOptional({ nullable: true }) middleName!: string | null;
  @ApiProperty() lastName!: string;
  @ApiPropertyOptional({ nullable: true }) email!: string | null;
  @ApiProperty() jobTitle!: string;
  @ApiPropertyOptional({ nullable: true }) department!: string | null;
  @ApiProperty({ example: '2025-08-25' }) hireDate!: string;
  @ApiProperty({ enum: ['active', 'left'] }) status!: string;
  @ApiPropertyOptional({ type: AccountView, nullable: true }) account!: AccountView | null;
  @ApiProperty() createdAt!: Date;
}

export class StaffPage {
  @ApiProperty({ type: [StaffView] }) data!: StaffView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
