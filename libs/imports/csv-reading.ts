import { CsvError, parse } from 'csv-parse/sync';

/** One problem with one row (the header is row 1), as the import's report lists it. */
export interface RowError {
  row: number;
  column: string | null;
  code: ImportErrorCode;
  message: string;
}

export type ImportErrorCode =
  | 'BAD_ENCODING'
  | 'BAD_CSV'
  | 'BAD_HEADER'
  | 'BAD_COLUMN_COUNT'
  | 'MISSING_VALUE'
  | 'BAD_DATE'
  | 'BAD_VALUE'
  | 'BAD_EMAIL'
  | 'DUPLICATE_IN_FILE'
  | 'ADMISSION_NUMBER_TAKEN'
  | 'UNKNOWN_STUDENT'
  | 'UNKNOWN_SECTION'
  | 'SECTION_FULL'
  | 'PLAN_LIMIT'
  | 'NOT_RUN';

/** A data row: its spreadsheet row number and its cells by column name (absent = empty). */
export interface CsvRow {
  row: number;
  cells: Record<string, string | undefined>;
}

export type CsvReading = { rows: CsvRow[]; errors: [] } | { rows: []; errors: RowError[] };

const FORMULA_ESCAPED = /^'[=+\-@\t\r]/;

/**
 * Undoes what the exports do to a cell that a spreadsheet would run as a formula
 * (libs/common/csv.ts prefixes it with an apostrophe), and trims the cell; empty is absent.
 */
function cellValue(raw: string): string | undefined {
  const value = FORMULA_ESCAPED.test(raw) ? raw.slice(1) : raw;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * The first line (1-based) whose bytes are not UTF-8: a file saved as Latin-1 or Windows-1252
 * is refused whole rather than imported with its accents turned into replacement characters.
 */
function firstBadLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i += 1) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return line;
}

/**
 * Reads the file as the column contract says (docs/IMPORTS.md): UTF-8, a leading BOM allowed,
 * RFC 4180, a header of exactly the kind's names (`required` must be there, nothing outside
 * `columns`), every row as many cells as the header. Nothing is relaxed: a malformed quote or a
 * short row is reported, never guessed at.
 */
export function readCsv(
  bytes: Uint8Array,
  columns: readonly string[],
  required: readonly string[],
): CsvReading {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const line = firstBadLine(bytes);
    return fail([
      {
        row: line,
        column: null,
        code: 'BAD_ENCODING',
        message: `Line ${line} is not UTF-8: save the file as "CSV UTF-8" and send it again`,
      },
    ]);
  }
  let records: string[][];
  try {
    // The decoder has dropped a BOM already; `bom` covers a second one some tools write.
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: false });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const row = (error as CsvError & { records?: number }).records ?? 0;
    return fail([{ row: row + 2, column: null, code: 'BAD_CSV', message: error.message }]);
  }
  const [header, ...data] = records;
  const headerErrors = checkHeader(header ?? [], columns, required);
  if (headerErrors.length) return fail(headerErrors);
  const errors: RowError[] = [];
  const rows: CsvRow[] = [];
  data.forEach((record, index) => {
    const row = index + 2;
    if (record.length !== header.length) {
      errors.push({
        row,
        column: null,
        code: 'BAD_COLUMN_COUNT',
        message: `The row has ${record.length} cells; the header has ${header.length}`,
      });
      return;
    }
    const cells: Record<string, string | undefined> = {};
    header.forEach((name, i) => (cells[name.trim()] = cellValue(record[i])));
    rows.push({ row, cells });
  });
  return errors.length ? fail(errors) : { rows, errors: [] };
}

function checkHeader(
  header: readonly string[],
  columns: readonly string[],
  required: readonly string[],
): RowError[] {
  const names = header.map((name) => name.trim());
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!columns.includes(name)) {
      errors.push(headerError(name, `Unknown column "${name}": expected ${columns.join(', ')}`));
    } else if (seen.has(name)) {
      errors.push(headerError(name, `Column "${name}" appears twice`));
    }
    seen.add(name);
  }
  for (const name of required) {
    if (!seen.has(name)) errors.push(headerError(name, `Column "${name}" is missing`));
  }
  return errors;
}

const headerError = (column: string, message: string): RowError => ({
  row: 1,
  column,
  code: 'BAD_HEADER',
  message,
});

const fail = (errors: RowError[]): CsvReading => ({ rows: [], errors });
