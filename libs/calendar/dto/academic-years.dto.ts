import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsCalendarName, IsLocalDate } from './fields.dto';

export class CreateAcademicYearDto {
  @IsCalendarName('name', '2025-2026') name!: string;
  @IsLocalDate('startsOn', '2025-08-18', { description: 'First day of the year (local date)' })
  startsOn!: string;
  @IsLocalDate('endsOn', '2026-06-26', {
    description: 'Last day of the year (local date), after startsOn',
  })
  endsOn!: string;
}

export class UpdateAcademicYearDto extends PartialType(CreateAcademicYearDto) {}

export class AcademicYearView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2025-2026' }) name!: string;
  @ApiProperty({ format: 'date', example: '2025-08-18' }) startsOn!: string;
  @ApiProperty({ format: 'date', example: '2026-06-26' }) endsOn!: string;
  @ApiProperty({ description: 'The year the school is in now; at most one is' })
  isCurrent!: boolean;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}
