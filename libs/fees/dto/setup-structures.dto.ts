import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MinorUnits, Percent, trim } from './setup.dto';

export const SCHEDULES = ['once', 'monthly', 'per_term'] as const;
export type Schedule = (typeof SCHEDULES)[number];

/** More lines than any school's fee sheet has; it bounds the work of one save. */
export const MAX_LINES = 50;

const uuid = (field: string) => IsUUID('all', { message: `${field} must be a UUID` });

export class FeeStructureLineDto {
  @ApiProperty({ format: 'uuid' })
  @uuid('headId')
  headId!: string;

  @ApiProperty({ example: 500000, description: 'Minor units per period of the schedule' })
  @MinorUnits('amountMinor')
  amountMinor!: number;

  @ApiProperty({ enum: SCHEDULES, example: 'monthly' })
  @IsIn(SCHEDULES, { message: `schedule must be one of ${SCHEDULES.join(', ')}` })
  schedule!: Schedule;

  @ApiProperty({ example: 10, minimum: 1, maximum: 28, description: 'Day of the period it is due' })
  @IsInt({ message: 'dueDay must be a whole number' })
  @Min(1)
  @Max(28)
  dueDay!: number;
}

export class ReplaceFeeStructureDto {
  @ApiProperty({ example: 'Grade 5 fees', maxLength: 120 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(/^[^\p{C}]+$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({
    type: [FeeStructureLineDto],
    description: 'Every line of the structure; a head appears once per schedule',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => FeeStructureLineDto)
  lines!: FeeStructureLineDto[];
}

export class CreateFeeStructureDto extends ReplaceFeeStructureDto {
  @ApiProperty({ format: 'uuid' })
  @uuid('academicYearId')
  academicYearId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The level it charges; or programId' })
  @IsOptional()
  @uuid('levelId')
  levelId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The program it charges (levels without their own); or levelId',
  })
  @IsOptional()
  @uuid('programId')
  programId?: string;
}

export class FeeStructuresQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @uuid('academicYearId')
  academicYearId?: string;
}

export class FeeStructureLineView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) headId!: string;
  @ApiProperty({ example: 'Tuition' }) headName!: string;
  @ApiProperty({ example: 500000 }) amountMinor!: number;
  @ApiProperty({ enum: SCHEDULES }) schedule!: Schedule;
  @ApiProperty({ example: 10 }) dueDay!: number;
}

export class NamedRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class FeeStructureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) academicYearId!: string;
  @ApiProperty({ example: 'Grade 5 fees' }) name!: string;
  @ApiProperty({ type: NamedRef, nullable: true }) level!: NamedRef | null;
  @ApiProperty({ type: NamedRef, nullable: true }) program!: NamedRef | null;
  @ApiProperty({ example: 'NPR' }) currency!: string;
  @ApiProperty({ type: [FeeStructureLineView] }) lines!: FeeStructureLineView[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class FeeStructureList {
  @ApiProperty({ type: [FeeStructureView] }) data!: FeeStructureView[];
}

export class ConcessionDto {
  @ApiProperty({ format: 'uuid' })
  @uuid('studentId')
  studentId!: string;

  @ApiProperty({ format: 'uuid' })
  @uuid('academicYearId')
  academicYearId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One head; without it, every head' })
  @IsOptional()
  @uuid('headId')
  headId?: string;

  @ApiPropertyOptional({ example: 25, description: 'A share off; or amountMinor, not both' })
  @IsOptional()
  @Percent('percent')
  percent?: number;

  @ApiPropertyOptional({ example: 100000, description: 'An amount off one head (headId)' })
  @IsOptional()
  @MinorUnits('amountMinor')
  amountMinor?: number;

  @ApiProperty({ example: 'Sibling discount', maxLength: 500 })
  @trim
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  @Matches(/^[^\p{C}]+$/u, { message: 'reason must not contain control characters' })
  reason!: string;
}

export class ConcessionsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @uuid('studentId')
  studentId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @uuid('academicYearId')
  academicYearId?: string;
}

export class ConcessionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ example: 'Ana Pupil' }) studentName!: string;
  @ApiProperty({ format: 'uuid' }) academicYearId!: string;
  @ApiProperty({ type: NamedRef, nullable: true, description: 'null: every head' })
  head!: NamedRef | null;
  @ApiProperty({ type: Number, nullable: true, example: 25 }) percent!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) amountMinor!: number | null;
  @ApiProperty({ example: 'Sibling discount' }) reason!: string;
  @ApiProperty({ type: NamedRef, nullable: true, description: 'Who approved it' })
  approvedBy!: NamedRef | null;
  @ApiProperty() createdAt!: Date;
}

export class ConcessionList {
  @ApiProperty({ type: [ConcessionView] }) data!: ConcessionView[];
}
