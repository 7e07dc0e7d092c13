import { isUniqueViolation } from '@schoolyard/database';
import { type EntityManager, type QueryResult } from 'typeorm';
import { type AppError, inUse, nothingToChange, validationFailed } from './app-error';
import { type PageMeta, type PageQuery, pageWindow } from './paging';

/*
 * Typed SQL. TypeORM is the connection and transaction driver, not a mapper (see
 * docs/DECISIONS.md): repositories send SQL through these functions and name the row type.
 * They ask TypeORM for its structured result ({ records, affected }), because its plain
 * `query` answers UPDATE and DELETE with [rows, count] and everything else with rows.
 */

/** The rows and affected-row count of one statement, in the manager's transaction. */
async function structured(
  db: EntityManager,
  sql: string,
  parameters: readonly unknown[],
): Promise<QueryResult> {
  const runner = db.queryRunner;
  if (runner && !runner.isReleased) return runner.query(sql, [...parameters], true);
  // A manager outside a transaction (the owner DataSource's): a connection for one statement.
  const own = db.connection.createQueryRunner();
  try {
    return await own.query(sql, [...parameters], true);
  } finally {
    await own.release();
  }
}

/** The rows of a SELECT or of an INSERT, UPDATE or DELETE … RETURNING. */
export async function selectRows<Row>(
  db: EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<Row[]> {
  return ((await structured(db, sql, parameters)).records ?? []) as Row[];
}

/** The first row the statement answers, or undefined. */
export async function selectRow<Row>(
  db: EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<Row | undefined> {
  return (await selectRows<Row>(db, sql, parameters))[0];
}

/** Runs a statement for its effect; answers how many rows it inserted, changed or deleted. */
export async function execute(
  db: EntityManager,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<number> {
  return (await structured(db, sql, parameters)).affected ?? 0;
}

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
  const rows = await selectRows<Row & { total: string }>(
    manager,
    `SELECT ${sql.select}, count(*) OVER () AS total FROM ${sql.from} ${sql.where}
      ORDER BY ${sql.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...filter, ...pageWindow(query)],
  );
  let total = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && query.page > 1) {
    const counted = await selectRow<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM ${sql.from} ${sql.where}`,
      filter,
    );
    total = counted?.n ?? 0;
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
  const rows = await selectRows(manager, `SELECT 1 FROM ${table} WHERE id = $1 ${mode}`, [id]);
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
  const [counts] = await selectRows<Record<string, number>>(
    manager,
    `SELECT ${Object.entries(usages)
      .map(([name, count]) => `(${count})::int AS "${name}"`)
      .join(', ')}`,
    [id],
  );
  const used = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  if (Object.keys(used).length) throw inUse(used);
  await execute(manager, `DELETE FROM ${table} WHERE id = $1`, [id]);
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
 * violation of a listed constraint answers its error, a missing row `notFound`.
 */
export async function updateRow(
  manager: EntityManager,
  table: string,
  id: string,
  plan: ReturnType<typeof columnAssignments>,
  rules: { conflicts?: Record<string, () => AppError>; notFound: () => AppError },
): Promise<void> {
  const changed = await uniqueOr(
    () =>
      execute(manager, `UPDATE ${table} SET ${plan.set(2)}, updated_at = now() WHERE id = $1`, [
        id,
        ...plan.values,
      ]),
    rules.conflicts ?? {},
  );
  if (changed === 0) throw rules.notFound();
}

/** The one row `sql` finds, or `notFound`. */
export async function oneRow<Row>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
  notFound: () => AppError,
): Promise<Row> {
  const row = await selectRow<Row>(manager, sql, parameters);
  if (!row) throw notFound();
  return row;
}
