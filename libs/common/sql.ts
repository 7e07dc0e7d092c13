import { isUniqueViolation } from '@schoolyard/database';
import { type EntityManager } from 'typeorm';
import { type AppError, inUse, nothingToChange, validationFailed } from './app-error';
import { type PageMeta, type PageQuery, pageWindow } from './paging';

/** `%text%` for ILIKE, with the user's own % and _ taken literally; null for no search. */
export function likePattern(search: string | undefined): string | null {
  const text = search?.trim();
  if (!text) return null;
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * `SET a = $2, b = $3` for the fields present in `changes`, from a fixed field → column map
 * (column names never come from input). An empty string clears the column.
 */
export function columnAssignments<F extends Record<string, string>>(changes: object, fields: F) {
  const present = Object.entries(fields).filter(
    ([field]) => (changes as Record<string, unknown>)[field] !== undefined,
  );
  return {
    columns: present.map(([, column]) => column),
    values: present.map(([field]) => {
      const value = (changes as Record<string, unknown>)[field];
      return value === '' ? null : value;
    }),
    set: (first: number) => present.map(([, column], i) => `${column} = $${first + i}`).join(', '),
  };
}

export interface PageSql {
  /** Columns; `count(*) OVER () AS total` is added. */
  select: string;
  /** FROM and JOINs, without the FROM keyword. */
  from: string;
  /** A WHERE clause over $1..$n, n = filter.length (or ''). */
  where: string;
  orderBy: string;
}

/**
 * One statement for a page and its total. Only a page past the end (no row to carry the
 * total) costs a second, counting statement.
 *
 * Measured against the alternatives (a count over narrow rows joined to the page, a scalar
 * count subquery): PostgreSQL plans every statement afresh (prepared statements are dropped
 * by the session reset), and planning costs more than the window's execution on a school's
 * page, so the window stays.
 */
export async function queryPage<Row extends object>(
  manager: EntityManager,
  sql: PageSql,
  filter: unknown[],
  query: Pick<PageQuery, 'page' | 'pageSize'>,
): Promise<{ rows: Row[]; meta: PageMeta }> {
  const n = filter.length;
  const rows: Array<Row & { total: string }> = await manager.query(
    `SELECT ${sql.select}, count(*) OVER () AS total FROM ${sql.from} ${sql.where}
      ORDER BY ${sql.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...filter, ...pageWindow(query)],
  );
  let total = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && query.page > 1) {
    const [counted]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM ${sql.from} ${sql.where}`,
      filter,
    );
    total = counted.n;
  }
  return { rows, meta: { page: query.page, pageSize: query.pageSize, total } };
}

/**
 * Locks the row `id` of `table` (a fixed name, never input) or throws `notFound`. FOR KEY
 * SHARE keeps a referenced row from being deleted until the transaction ends; FOR UPDATE also
 * queues concurrent writers behind this one (capacity checks, deletes).
 */
export async function lockRow(
  manager: EntityManager,
  table: string,
  id: string,
  notFound: () => AppError,
  mode: 'FOR KEY SHARE' | 'FOR UPDATE' = 'FOR KEY SHARE',
): Promise<void> {
  const rows: unknown[] = await manager.query(`SELECT 1 FROM ${table} WHERE id = $1 ${mode}`, [id]);
  if (rows.length === 0) throw notFound();
}

/**
 * Deletes row `id` of `table` unless something still uses it. `usages` maps a name for the
 * client (`students`) to a count query over $1 (the id); any non-zero count answers 409
 * IN_USE with the counts that are not zero, and nothing is deleted.
 */
export async function deleteUnlessInUse(
  manager: EntityManager,
  table: string,
  id: string,
  usages: Record<string, string>,
  notFound: () => AppError,
): Promise<void> {
  await lockRow(manager, table, id, notFound, 'FOR UPDATE');
  const [counts]: Array<Record<string, number>> = await manager.query(
    `SELECT ${Object.entries(usages)
      .map(([name, count]) => `(${count})::int AS "${name}"`)
      .join(', ')}`,
    [id],
  );
  const used = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  if (Object.keys(used).length) throw inUse(used);
  await manager.query(`WITH gone AS (DELETE FROM ${table} WHERE id = $1 RETURNING 1) SELECT 1`, [
    id,
  ]);
}

/** Checks a PATCH: at least one field, and none of `required` cleared with null. */
export function patchOf<F extends Record<string, string>>(
  changes: object,
  fields: F,
  required: ReadonlyArray<keyof F & string>,
) {
  const plan = columnAssignments(changes, fields);
  if (plan.columns.length === 0) throw nothingToChange();
  const cleared = required.filter((field) => (changes as Record<string, unknown>)[field] === null);
  if (cleared.length) {
    throw validationFailed(
      cleared.map((field) => ({ field, problems: [`${field} cannot be cleared`] })),
    );
  }
  return plan;
}

/** Runs `write`, answering a unique violation of a listed constraint with its error. */
export async function uniqueOr<T>(
  write: () => Promise<T>,
  conflicts: Record<string, () => AppError>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    for (const [constraint, conflict] of Object.entries(conflicts)) {
      if (isUniqueViolation(error, constraint)) throw conflict();
    }
    throw error;
  }
}

/**
 * Applies a `patchOf` plan to row `id` of `table` (fixed name) and stamps updated_at: a unique
 * violation of a listed constraint answers its error, a missing row `notFound`. Wrapped in a
 * SELECT: TypeORM answers a bare UPDATE with [rows, count], not rows.
 */
export async function updateRow(
  manager: EntityManager,
  table: string,
  id: string,
  plan: ReturnType<typeof columnAssignments>,
  rules: { conflicts?: Record<string, () => AppError>; notFound: () => AppError },
): Promise<void> {
  const [changed]: Array<{ n: number }> = await uniqueOr(
    () =>
      manager.query(
        `WITH changed AS (
           UPDATE ${table} SET ${plan.set(2)}, updated_at = now() WHERE id = $1 RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [id, ...plan.values],
      ),
    rules.conflicts ?? {},
  );
  if (changed.n === 0) throw rules.notFound();
}

/** The one row `sql` finds, or `notFound`. */
export async function oneRow<Row>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
  notFound: () => AppError,
): Promise<Row> {
  const [row]: Row[] = await manager.query(sql, parameters);
  if (!row) throw notFound();
  return row;
}
