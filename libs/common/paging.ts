import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** `page`, `pageSize` (≤ 100) and an optional `search`: every list in the API pages alike. */
export class PageQuery {
  @ApiPropertyOptional({ default: 1, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize: number = 20;

  @ApiPropertyOptional({
    description:
      'Part of a name (of an admission number for students, of a code for programs and subjects, of a title for course content)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[^\p{C}]*$/u, { message: 'search must not contain control characters' })
  search?: string;
}

export class PageMeta {
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}

/** `:id` in a path: the id of the resource the path names (a student, a role, a section…). */
export class IdParams {
  @ApiProperty({ format: 'uuid', description: 'Id of the resource the path names' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** LIMIT and OFFSET of a page, in that order. */
export function pageWindow(query: Pick<PageQuery, 'page' | 'pageSize'>): [number, number] {
  return [query.pageSize, (query.page - 1) * query.pageSize];
}
