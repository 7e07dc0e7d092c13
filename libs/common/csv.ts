/*
 * CSV for spreadsheets (RFC 4180). A cell a spreadsheet would read as a formula (text that
 * starts with = + - @, or a tab or carriage return that hides one) is prefixed with an
 * apostrophe: a student's or a head's name is typed by people and must never run as a formula
 * on the bursar's computer. Numbers are written as they are, so a negative balance stays one.
 */

export type CsvCell = string | number | bigint | boolean | null | undefined;

/** The answer's media type; the byte-order mark makes spreadsheets read it as UTF-8. */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
const BYTE_ORDER_MARK = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== value ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row, then a row per record, each line ended by CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return BYTE_ORDER_MARK + lines.map((line) => `${line}\r\n`).join('');
}

/** `attachment; filename="…"` for a name the code built (dates and ids, never input text). */
export const attachment = (filename: string) => `attachment; filename="${filename}"`;
