import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Satisfies } from '@schoolyard/common';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/**
 * `YYYY-MM-DD`, a real day of the calendar (no 31 April). Years 1900–2999: a school's dates,
 * not anything PostgreSQL's `date` would take.
 */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** `HH:MM`, 00:00 to 23:59: a wall-clock time in the school's time zone. */
export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

export const IsLocalDate = (
  field: string,
  example: string,
  options: { optional?: boolean; description?: string } = {},
) =>
  applyDecorators(
    options.optional
      ? ApiPropertyOptional({
          type: String,
          format: 'date',
          example,
          description: options.description,
        })
      : ApiProperty({ type: String, format: 'date', example, description: options.description }),
    ...(options.optional ? [IsOptional()] : []),
    Satisfies(
      'isLocalDate',
      isLocalDate,
      `${field} must be a date such as ${example}`,
    ) as PropertyDecorator,
  );

export const IsLocalTime = (field: string, example: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({
      type: String,
      example,
      nullable: true,
      pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
      description,
    }),
    IsOptional(),
    Satisfies(
      'isLocalTime',
      isLocalTime,
      `${field} must be a time such as ${example} (HH:MM)`,
    ) as PropertyDecorator,
  );

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);

/** A name the office types: a year (`2025-2026`), a term (`Autumn`), an event's title. */
export const IsCalendarName = (
  field: string,
  example: string,
  options: { optional?: boolean; maxLength?: number } = {},
) => {
  const maxLength = options.maxLength ?? 120;
  return applyDecorators(
    options.optional
      ? ApiPropertyOptional({ example, maxLength })
      : ApiProperty({ example, maxLength }),
    ...(options.optional ? [IsOptional()] : []),
    trim,
    IsString(),
    IsNotEmpty(),
    MaxLength(maxLength),
    Matches(/^[^\p{C}]+$/u, { message: `${field} must not contain control characters` }),
  );
};
