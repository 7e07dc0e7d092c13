import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

export const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

const NO_CONTROLS = /^[^\p{C}]+$/u;
const noControls = (field: string) =>
  Matches(NO_CONTROLS, { message: `${field} must not contain control characters` });

/** Minor units (paisa for NPR) in a JSON number: whole, positive, exact. */
export const MinorUnits = (field: string) =>
  applyDecorators(
    IsInt({ message: `${field} must be a whole number of minor units` }),
    Min(1),
    Max(Number.MAX_SAFE_INTEGER),
  );

/** A percentage above 0 and at most 100, with at most two decimals. */
export const Percent = (field: string) =>
  applyDecorators(
    IsNumber({ maxDecimalPlaces: 2 }, { message: `${field} must have at most 2 decimals` }),
    Min(0.01),
    Max(100),
  );

export class FeeHeadDto {
  @ApiProperty({ example: 'Tuition', maxLength: 120 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @noControls('name')
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Monthly teaching fee' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^[^\p{C}]*$/u, { message: 'description must not contain control characters' })
  description?: string | null;
}

export class UpdateFeeHeadDto {
  @ApiPropertyOptional({ example: 'Tuition', maxLength: 120 })
  @ValidateIf((_, value) => value !== undefined)
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @noControls('name')
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null or "" clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(/^[^\p{C}]*$/u, { message: 'description must not contain control characters' })
  description?: string | null;
}

export class FeeHeadView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Tuition' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class FeeHeadList {
  @ApiProperty({ type: [FeeHeadView] }) data!: FeeHeadView[];
}

export class LateFineRuleDto {
  @ApiProperty({ example: 'Late after a week', maxLength: 120 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @noControls('name')
  name!: string;

  @ApiProperty({ example: 7, minimum: 0, maximum: 365, description: 'Days after the due day' })
  @IsInt({ message: 'graceDays must be a whole number' })
  @Min(0)
  @Max(365)
  graceDays!: number;

  @ApiPropertyOptional({ example: 50000, description: 'A fixed fine; or percent, not both' })
  @IsOptional()
  @MinorUnits('amountMinor')
  amountMinor?: number;

  @ApiPropertyOptional({ example: 5, description: 'A share of what is owed; or amountMinor' })
  @IsOptional()
  @Percent('percent')
  percent?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateLateFineRuleDto {
  @ApiPropertyOptional({ example: 'Late after a week', maxLength: 120 })
  @ValidateIf((_, value) => value !== undefined)
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @noControls('name')
  name?: string;

  @ApiPropertyOptional({ example: 7, minimum: 0, maximum: 365 })
  @ValidateIf((_, value) => value !== undefined)
  @IsInt({ message: 'graceDays must be a whole number' })
  @Min(0)
  @Max(365)
  graceDays?: number;

  @ApiPropertyOptional({ example: 50000, description: 'Makes the fine a fixed amount' })
  @ValidateIf((_, value) => value !== undefined)
  @MinorUnits('amountMinor')
  amountMinor?: number;

  @ApiPropertyOptional({ example: 5, description: 'Makes the fine a share of what is owed' })
  @ValidateIf((_, value) => value !== undefined)
  @Percent('percent')
  percent?: number;

  @ApiPropertyOptional({ description: 'false: no longer applied to invoices' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  active?: boolean;
}

export class LateFineRuleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Late after a week' }) name!: string;
  @ApiProperty({ example: 7 }) graceDays!: number;
  @ApiProperty({ type: Number, nullable: true, example: 50000 }) amountMinor!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) percent!: number | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty() createdAt!: Date;
}

export class LateFineRuleList {
  @ApiProperty({ type: [LateFineRuleView] }) data!: LateFineRuleView[];
}
