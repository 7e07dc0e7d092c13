import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { PageMeta, PageQuery } from '@schoolyard/common';
import { IsCode, IsDescription, IsId, IsName, IsSort, RefView } from './fields.dto';

export class CreateSubjectDto {
  @IsCode('code', 'MATH-7') code!: string;
  @IsName('name', 'Mathematics') name!: string;
  @IsId('levelId', { optional: true, description: 'The academic level it is taught at, if one' })
  levelId?: string | null;
  @IsDescription() description?: string | null;
}

export class UpdateSubjectDto extends PartialType(CreateSubjectDto) {}

export const SUBJECT_SORTS = ['code', '-code', 'name', '-name', 'createdAt', '-createdAt'] as const;
export type SubjectSort = (typeof SUBJECT_SORTS)[number];

export class SubjectListQuery extends PageQuery {
  @IsId('levelId', { optional: true, description: 'Only the subjects of this academic level' })
  levelId?: string;

  @IsSort(SUBJECT_SORTS, 'code') sort: SubjectSort = 'code';
}

export class SubjectView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiPropertyOptional({ type: RefView, nullable: true }) level!: RefView | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class SubjectPage {
  @ApiProperty({ type: [SubjectView] }) data!: SubjectView[];
  @ApiProperty({ type: PageMeta }) meta!: PageMeta;
}
