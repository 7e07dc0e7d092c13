import { ApiProperty, OmitType, PartialType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CodedRefView, IsId, IsName, IsSort } from './fields.dto';

export class CreateAcademicLevelDto {
  @IsId('programId') programId!: string;
  @IsName('name', 'Grade 7') name!: string;

  @ApiProperty({ example: 7, minimum: 0, description: 'Levels of a program are listed by it' })
  @Type(() => Number)
  @IsInt({ message: 'position must be a whole number' })
  @Min(0)
  @Max(1000)
  position!: number;
}

/** A level stays in its program: its sections and subjects were planned for that program. */
export class UpdateAcademicLevelDto extends PartialType(
  OmitType(CreateAcademicLevelDto, ['programId'] as const),
) {}

export const LEVEL_SORTS = ['position', '-position', 'name', '-name', 'createdAt'] as const;
export type LevelSort = (typeof LEVEL_SORTS)[number];

export class AcademicLevelListQuery extends PageQuery {
  @IsId('programId', { optional: true, description: 'Only the levels of this program' })
  programId?: string;

  @IsSort(LEVEL_SORTS, 'position') sort: LevelSort = 'position';
}

export class AcademicLevelView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ type: CodedRefView }) program!: CodedRefView;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class AcademicLevelPage {
  @ApiProperty({ type: [AcademicLevelView] }) data!: AcademicLevelView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
