import {
  type AppError,
  type columnAssignments,
  deleteUnlessInUse,
  lockRow,
  oneRow,
  type PageMeta,
  type PageQuery,
  queryPage,
  selectRows,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { type TenantContext } from '@schoolyard/tenancy';

/** The columns a PATCH changes and their values, as `patchOf` plans them. */
export type ColumnChanges = ReturnType<typeof columnAssignments>;

/**
 * One table of the school's catalogue (programs, academic levels, sections, subjects): how a
 * row is read and shown, what makes it unique, and what keeps it from being deleted.
 */
export interface CatalogueTable<Row, View, Sort extends string> {
  /** The table, a fixed name (never input), and its alias in `select` and `from`. */
  table: string;
  alias: string;
  select: string;
  /** The table under its alias, with the joins the view needs. */
  from: string;
  orderBy: Record<Sort, string>;
  view: (row: Row) => View;
  notFound: () => AppError;
  /** The unique constraints a write may break, each with its conflict for the value written. */
  taken: (value: string | undefined) => Record<string, () => AppError>;
  /** Counts over $1 (the row's id) of what still uses the row: any non-zero refuses a delete. */
  usages: Record<string, string>;
}

/**
 * What every catalogue table is asked the same way: one row by id, a page, an insert and a
 * PATCH under its unique key, a delete unless in use, a lock. A table's own repository adds
 * its columns (the insert) and its filters (the list).
 */
export abstract class CatalogueRepository<Row extends object, View, Sort extends string> {
  protected constructor(
    protected readonly tenant: TenantContext,
    private readonly catalogue: CatalogueTable<Row, View, Sort>,
  ) {}

  /** The row as the API shows it, or its not-found error. */
  async find(id: string): Promise<View> {
    const { select, from, alias, notFound, view } = this.catalogue;
    return view(
      await oneRow<Row>(
        this.tenant.manager,
        `SELECT ${select} FROM ${from} WHERE ${alias}.id = $1`,
        [id],
        notFound,
      ),
    );
  }

  /**
   * Locks the row FOR KEY SHARE, so it cannot be deleted before the row that points at it is
   * written, or throws its not-found error.
   */
  lock(id: string): Promise<void> {
    return lockRow(this.tenant.manager, this.catalogue.table, id, this.catalogue.notFound);
  }

  /** Applies a PATCH; `key` is the unique value written, named by the conflict if it is taken. */
  update(id: string, changes: ColumnChanges, key: string | undefined): Promise<void> {
    return updateRow(this.tenant.manager, this.catalogue.table, id, changes, {
      conflicts: this.catalogue.taken(key),
      notFound: this.catalogue.notFound,
    });
  }

  /** Deletes the row unless something still uses it (409 IN_USE with the counts). */
  remove(id: string): Promise<void> {
    const { table, usages, notFound } = this.catalogue;
    return deleteUnlessInUse(this.tenant.manager, table, id, usages, notFound);
  }

  /**
   * Inserts one row (column → value; the columns are fixed by the calling repository, never
   * input) and answers its id; `key` as for `update`.
   */
  protected async insert(
    values: Record<string, unknown>,
    key: string | undefined,
  ): Promise<string> {
    const columns = Object.keys(values);
    const placeholders = columns.map((_, i) => `$${i + 1}`);
    const [row] = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO ${this.catalogue.table} (${columns.join(', ')})
           VALUES (${placeholders.join(', ')}) RETURNING id`,
          Object.values(values),
        ),
      this.catalogue.taken(key),
    );
    return row.id;
  }

  /** A page of rows and the total, filtered by `where` over `filter` ($1..$n). */
  protected async page(
    where: string,
    filter: unknown[],
    query: Pick<PageQuery, 'page' | 'pageSize'> & { sort: Sort },
  ): Promise<{ data: View[]; meta: PageMeta }> {
    const { select, from, alias, orderBy, view } = this.catalogue;
    const { rows, meta } = await queryPage<Row>(
      this.tenant.manager,
      { select, from, where, orderBy: `${orderBy[query.sort]}, ${alias}.id` },
      filter,
      query,
    );
    return { data: rows.map((row) => view(row)), meta };
  }
}
