import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Satisfies } from '@schoolyard/common';
import { IsString } from 'class-validator';

/** `2026-11-01`: a calendar date that exists (no 31 June), as the school writes its days. */
export function isLocalDate(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

export const IsLocalDate = (field: string, example: string, description?: string) =>
  applyDecorators(
    ApiProperty({ type: String, format: 'date', example, description }),
    IsString({ message: `${field} must be a date such as ${example}` }),
    (target: object, property: string | symbol) =>
      Satisfies(
        'isLocalDate',
        isLocalDate,
        `${field} must be a date such as ${example}`,
      )(target, String(property)),
  );

/** The longest window a list or report covers: a school year, with a leap day. */
export const MAX_RANGE_DAYS = 366;

/** `from` and `to`, both included. */
export class DateRangeQuery {
  @IsLocalDate('from', '2026-09-01', "First day, included (the school's local date)")
  from!: string;

  @IsLocalDate('to', '2026-12-18', `Last day, included; at most ${MAX_RANGE_DAYS} days after from`)
  to!: string;
}

/**
 * Days from `from` to `to` as calendar dates: both are read as UTC midnights, so the
 * difference is whole days whatever the school's time zone (validation only; the school's
 * days themselves are counted in SQL).
 */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
