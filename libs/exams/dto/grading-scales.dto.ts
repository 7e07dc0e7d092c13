import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** More bands than any grading system uses; it bounds the work of one save. */
export const MAX_BANDS = 50;

export class GradingBandDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'On PUT: the band kept (and changed). Without it, a new band',
  })
  @IsOptional()
  @IsUUID('all', { message: 'id must be a UUID' })
  id?: string;

  @ApiProperty({
    example: 90,
    minimum: 0,
    maximum: 100,
    description: 'Lowest percentage in the band',
  })
  @IsNumber(
    { maxDecimalPlaces: 2 },
    { message: 'minPercent must be a number with at most 2 decimals' },
  )
  @Min(0)
  @Max(100)
  minPercent!: number;

  @ApiProperty({ example: 'A+', maxLength: 10 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(10)
  @Matches(/^[^\p{C}]+$/u, { message: 'letter must not contain control characters' })
  letter!: string;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 4.0, minimum: 0, maximum: 99.99 })
  @IsOptional()
  @IsNumber(
    { maxDecimalPlaces: 2 },
    { message: 'gradePoint must be a number with at most 2 decimals' },
  )
  @Min(0)
  @Max(99.99)
  gradePoint?: number | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Outstanding', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\p{C}]*$/u, { message: 'remark must not contain control characters' })
  remark?: string | null;
}

export class GradingScaleDto {
  @ApiProperty({ example: 'Letter grades', maxLength: 120 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(/^[^\p{C}]+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    type: [GradingBandDto],
    description: 'One band must start at 0; minPercent and letters unique within the scale',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BANDS)
  @ValidateNested({ each: true })
  @Type(() => GradingBandDto)
  bands!: GradingBandDto[];
}

export class GradingBandView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 90 }) minPercent!: number;
  @ApiProperty({ example: 'A+' }) letter!: string;
  @ApiProperty({ type: Number, nullable: true, example: 4 }) gradePoint!: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'Outstanding' }) remark!: string | null;
}

export class GradingScaleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Letter grades' }) name!: string;
  @ApiProperty({ description: 'The scale of every exam that names none' }) isDefault!: boolean;
  @ApiProperty({ type: [GradingBandView], description: 'Highest band first' })
  bands!: GradingBandView[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class GradingScaleList {
  @ApiProperty({ type: [GradingScaleView] }) data!: GradingScaleView[];
}
