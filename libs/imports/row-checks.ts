import { type CsvRow, type ImportErrorCode, type RowError } from './csv-reading';

/*
 * What one row must hold to be written, checked without the database: required cells, dates,
 * the values a column may take, e-mail addresses and lengths. The same rules the office's
 * forms apply (libs/people DTOs), so an imported person could have been typed in.
 */

export { GENDERS, RELATIONSHIPS, STAFF_STATUSES, STUDENT_STATUSES } from '@schoolyard/people';

const NO_CONTROL_CHARACTERS = /^[^\p{C}]+$/u;
const ADMISSION_NUMBER = /^[\p{L}\p{N}][\p{L}\p{N}\-/. ]*$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// The shape class-validator's IsEmail accepts in practice: one @, a dotted domain, no spaces.
const EMAIL =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const PHONE = /^[0-9+()\-. ]+$/;

/** Reads one row's cells, collecting every problem instead of stopping at the first. */
export class RowReader {
  readonly errors: RowError[] = [];

  constructor(private readonly source: CsvRow) {}

  get row(): number {
    return this.source.row;
  }

  fail(column: string | null, code: ImportErrorCode, message: string): void {
    this.errors.push({ row: this.source.row, column, code, message });
  }

  /** Text of at most `max` characters without control characters; undefined when empty. */
  text(column: string, max: number, required = false): string | undefined {
    const value = this.source.cells[column];
    if (value === undefined) {
      if (required) this.fail(column, 'MISSING_VALUE', `${column} is required`);
      return undefined;
    }
    if (value.length > max) {
      this.fail(column, 'BAD_VALUE', `${column} is longer than ${max} characters`);
    } else if (!NO_CONTROL_CHARACTERS.test(value)) {
      this.fail(column, 'BAD_VALUE', `${column} must not contain control characters`);
    }
    return value;
  }

  required(column: string, max: number): string {
    return this.text(column, max, true) ?? '';
  }

  admissionNumber(column: string): string {
    const value = this.required(column, 40);
    if (value && !ADMISSION_NUMBER.test(value)) {
      this.fail(column, 'BAD_VALUE', `${column} may hold letters, digits, spaces and - / . only`);
    }
    return value;
  }

  /** A calendar date written YYYY-MM-DD that exists (no 31 April). */
  date(column: string): string | undefined {
    const value = this.source.cells[column];
    if (value === undefined) return undefined;
    const match = DATE.exec(value);
    const [year, month, day] = match ? match.slice(1).map(Number) : [0, 0, 0];
    const parsed = new Date(Date.UTC(year, month - 1, day));
    if (
      !match ||
      year < 1900 ||
      parsed.getUTCMonth() !== month - 1 ||
      parsed.getUTCDate() !== day
    ) {
      this.fail(column, 'BAD_DATE', `${column} must be a date such as 2025-09-01`);
    }
    return value;
  }

  oneOf<T extends string>(column: string, allowed: readonly T[], required = false): T | undefined {
    const value = this.source.cells[column]?.toLowerCase();
    if (value === undefined) {
      if (required) this.fail(column, 'MISSING_VALUE', `${column} is required`);
      return undefined;
    }
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(column, 'BAD_VALUE', `${column} must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  email(column: string, required = false): string | undefined {
    const value = this.text(column, 254, required);
    if (value !== undefined && !EMAIL.test(value)) {
      this.fail(column, 'BAD_EMAIL', `${column} must be an email address`);
    }
    return value;
  }

  phone(column: string): string | undefined {
    const value = this.text(column, 40);
    if (value !== undefined && !PHONE.test(value)) {
      this.fail(column, 'BAD_VALUE', `${column} may hold digits, spaces and + ( ) - . only`);
    }
    return value;
  }
}

/** The rows each key was first seen on, to name a repeat `DUPLICATE_IN_FILE`. */
export class FirstSeen {
  private readonly rows = new Map<string, number>();

  /** Undefined the first time a key is seen; else the row it was first seen on. */
  check(key: string, row: number): number | undefined {
    const first = this.rows.get(key);
    if (first === undefined) this.rows.set(key, row);
    return first;
  }
}

/** Names compared as people read them: case and surrounding spaces do not matter. */
export const sameName = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
