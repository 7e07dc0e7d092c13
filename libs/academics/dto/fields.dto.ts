import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** A short code the office types and sees on timetables (`MATH-7`, `IB.DP`); unique case-blind. */
export const IsCode = (field: string, example: string) =>
  applyDecorators(
    ApiProperty({ example, maxLength: 20 }),
    trim,
    IsString(),
    IsNotEmpty(),
    MaxLength(20),
    Matches(/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u, {
      message: `${field} may hold letters, digits and . _ - only, starting with a letter or digit`,
    }),
  );

export const IsName = (field: string, example: string) =>
  applyDecorators(
    ApiProperty({ example, maxLength: 120 }),
    trim,
    IsString(),
    IsNotEmpty(),
    MaxLength(120),
    Matches(/^[^\p{C}]+$/u, { message: `${field} must not contain control characters` }),
  );

/** Optional free text; null clears it on PATCH. */
export const IsDescription = () =>
  applyDecorators(
    ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 }),
    IsOptional(),
    IsString(),
    MaxLength(2000),
  );

export const IsId = (field: string, options: { optional?: boolean; description?: string } = {}) =>
  applyDecorators(
    options.optional
      ? ApiPropertyOptional({
          type: String,
          format: 'uuid',
          nullable: true,
          description: options.description,
        })
      : ApiProperty({ format: 'uuid', description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    IsUUID('all', { message: `${field} must be a UUID` }),
  );

export const IsSort = (sorts: readonly string[], fallback: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: sorts, default: fallback }),
    IsOptional(),
    IsIn(sorts, { message: `sort must be one of ${sorts.join(', ')}` }),
  );

export class RefView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class CodedRefView extends RefView {
  @ApiProperty() code!: string;
}

export class PersonRefView {
  @ApiProperty({ format: 'uuid', description: "The person's profile id" }) id!: string;
  @ApiProperty({ example: 'Ines Instructor' }) displayName!: string;
}
