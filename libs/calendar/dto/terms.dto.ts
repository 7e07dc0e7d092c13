import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsCalendarName, IsLocalDate } from './fields.dto';

export class CreateTermDto {
  @IsCalendarName('name', 'Autumn term') name!: string;
  @IsLocalDate('startsOn', '2025-08-18', { description: 'First day, within the academic year' })
  startsOn!: string;
  @IsLocalDate('endsOn', '2025-12-19', {
    description: 'Last day (inclusive), within the academic year',
  })
  endsOn!: string;
}

export class UpdateTermDto extends PartialType(CreateTermDto) {}

export class TermView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) academicYearId!: string;
  @ApiProperty({ example: 'Autumn term' }) name!: string;
  @ApiProperty({ format: 'date', example: '2025-08-18' }) startsOn!: string;
  @ApiProperty({ format: 'date', example: '2025-12-19' }) endsOn!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}
