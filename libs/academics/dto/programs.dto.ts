import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { IsCode, IsDescription, IsName, IsSort } from './fields.dto';

export class CreateProgramDto {
  @IsCode('code', 'PRIMARY') code!: string;
  @IsName('name', 'Primary school') name!: string;
  @IsDescription() description?: string | null;
}

export class UpdateProgramDto extends PartialType(CreateProgramDto) {}

export const PROGRAM_SORTS = ['code', '-code', 'name', '-name', 'createdAt', '-createdAt'] as const;
export type ProgramSort = (typeof PROGRAM_SORTS)[number];

export class ProgramListQuery extends PageQuery {
  @IsSort(PROGRAM_SORTS, 'code') sort: ProgramSort = 'code';
}

export class ProgramView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ description: 'Academic levels in this program' }) levelCount!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class ProgramPage {
  @ApiProperty({ type: [ProgramView] }) data!: ProgramView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
