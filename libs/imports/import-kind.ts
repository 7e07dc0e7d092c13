import { type CsvRow, type RowError } from './csv-reading';
import { type ImportRowsRepository } from './import-rows.repository';

export const IMPORT_KINDS = ['students', 'guardians', 'staff', 'enrolments'] as const;
export type ImportKindName = (typeof IMPORT_KINDS)[number];

/** What an import found in its rows, and how to write them once nothing is wrong. */
export interface ImportPlan {
  errors: RowError[];
  /** Rows that write something (a person, a link, a membership). */
  created: number;
  /** Rows already true in the school: they write nothing. */
  unchanged: number;
  /** Writes every row, a few statements whatever their number; only called without errors. */
  write(): Promise<void>;
}

/** How many more active people the plan allows, null when it has no limit. */
export interface PlanRoom {
  left: number | null;
  limit: number | null;
}

export interface ImportContext {
  rows: CsvRow[];
  db: ImportRowsRepository;
  room: () => Promise<PlanRoom>;
}

/** One kind of file: its header (the column contract) and its rules. */
export interface ImportKind {
  columns: readonly string[];
  /** Columns the header must have (their cells are required on every row). */
  required: readonly string[];
  plan(context: ImportContext): Promise<ImportPlan>;
}

/** Rows past the plan's room (in file order) are refused with PLAN_LIMIT. */
export function overPlan(
  rows: readonly number[],
  room: PlanRoom,
  what: 'students' | 'staff',
): RowError[] {
  if (room.left === null || rows.length <= room.left) return [];
  return rows.slice(room.left).map((row) => ({
    row,
    column: null,
    code: 'PLAN_LIMIT' as const,
    message: `The school's plan allows ${room.limit} active ${what}: this row would pass it`,
  }));
}
