import {
  type AppError,
  columnAssignments,
  execute,
  oneRow,
  type PageMeta,
  type PageQuery,
  type PageSql,
  patchOf,
  queryPage,
  selectRows,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { type TenantContext } from '@schoolyard/tenancy';
import { type AccountView, type PersonDto } from './dto/person.dto';
import { type LinkedAccount, type SchoolAccountsRepository } from './school-accounts.repository';

/*
 * What students, staff and guardians have in common: a profile (names, contact, the account's
 * soft link) joined one to one with the record of their kind. Each kind's repository extends
 * PersonRecordsRepository with its own table, columns and view; the shared statements are
 * written once here.
 */

/** The profile columns every read of people selects. */
export interface PersonRow {
  id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  date_of_birth: string | null;
  gender: string | null;
  local_username: string | null;
  user_id: string | null;
}

/** Selects a PersonRow from `profiles p`. */
const PERSON_COLUMNS = `p.id, p.first_name, p.middle_name, p.last_name, p.email,
  p.date_of_birth::text AS date_of_birth, p.gender, p.local_username, p.user_id`;

/** PATCH field → profile column, for the names and contact every kind of person has. */
export const NAME_FIELDS = {
  firstName: 'first_name',
  middleName: 'middle_name',
  lastName: 'last_name',
  email: 'email',
} as const;

type Fields = Record<string, string>;

/** One kind of person: its record table, how it is read, and how a PATCH maps onto it. */
export interface PersonKindTable {
  kind: 'student' | 'staff' | 'guardian';
  /** Fixed names, never input. */
  table: string;
  alias: string;
  /** The record's own columns, selected after the profile's. */
  columns: string;
  profileFields: Fields;
  recordFields: Fields;
  /** A PATCH may clear the optional fields with null, never these. */
  required: readonly string[];
  notFound: () => AppError;
  /** Unique constraints of the record table, answered with their errors on update. */
  conflicts?: (changes: Record<string, unknown>) => Record<string, () => AppError>;
}

/** A checked PATCH: each table's share of the change. */
export interface PersonChanges {
  profile: ReturnType<typeof columnAssignments>;
  record: ReturnType<typeof columnAssignments>;
  conflicts: Record<string, () => AppError>;
}

/** The account part of a person's view: null until activation, or once access is closed. */
function accountView(row: PersonRow, accounts: Map<string, LinkedAccount>): AccountView | null {
  const account = row.user_id ? accounts.get(row.user_id) : undefined;
  if (!account || !row.local_username) return null;
  return {
    userId: account.id,
    username: row.local_username,
    email: account.email,
    mustChangePassword: account.mustChangePassword,
    isActive: account.isActive,
    lastLoginAt: account.lastLoginAt,
  };
}

/**
 * A person's view: the fields every kind shares, then the kind's own. Spread last on purpose:
 * `{ ...shared(row), own }` made V8 build slow-mode objects, 3-4x as costly to make and to
 * serialise (the students page took ~260 µs more API CPU, measured against the previous
 * release with `npm run bench -- builds`).
 */
export function personView<Own extends object>(row: PersonRow, own: Own) {
  return {
    id: row.id,
    firstName: row.first_name,
    middleName: row.middle_name,
    lastName: row.last_name,
    email: row.email,
    ...own,
  };
}

export abstract class PersonRecordsRepository<Row extends PersonRow, View> {
  protected constructor(
    protected readonly tenant: TenantContext,
    protected readonly accounts: SchoolAccountsRepository,
    protected readonly record: PersonKindTable,
  ) {}

  protected abstract toView(row: Row, account: AccountView | null): View;

  /** The profile joined to its record, as `p` and the kind's alias. */
  protected get from(): string {
    return `${this.record.table} ${this.record.alias} JOIN profiles p ON p.id = ${this.record.alias}.profile_id`;
  }

  protected get columns(): string {
    return `${PERSON_COLUMNS}, ${this.record.columns}`;
  }

  /**
   * The person, or the kind's 404. `lock` holds both the record and the profile until the
   * transaction ends (FOR UPDATE): a change, a withdrawal or a removal decides on what it read.
   */
  find(id: string, lock = false): Promise<Row> {
    const alias = this.record.alias;
    return oneRow<Row>(
      this.tenant.manager,
      `SELECT ${this.columns} FROM ${this.from} WHERE ${alias}.profile_id = $1
        ${lock ? `FOR UPDATE OF ${alias}, p` : ''}`,
      [id],
      this.record.notFound,
    );
  }

  /**
   * Their views, with the page's accounts in one query (the people without one cost nothing).
   * `final`: that read is the handler's last, so COMMIT goes in the same write.
   */
  async views(rows: Row[], final = false): Promise<View[]> {
    const accounts = await this.accountsOf(rows, final);
    return rows.map((row) => this.toView(row, accountView(row, accounts)));
  }

  /** Checks a PATCH over both tables at once; each then gets its own share of the change. */
  planChanges(changes: object): PersonChanges {
    const { profileFields, recordFields, required } = this.record;
    patchOf(changes, { ...profileFields, ...recordFields }, required);
    return {
      profile: columnAssignments(changes, profileFields),
      record: columnAssignments(changes, recordFields),
      conflicts: this.record.conflicts?.(changes as Record<string, unknown>) ?? {},
    };
  }

  /** The profile's share first, when it has one; the record's is stamped either way. */
  async applyChanges(id: string, changes: PersonChanges): Promise<void> {
    const manager = this.tenant.manager;
    const { profile, record } = changes;
    if (profile.columns.length) {
      await updateRow(manager, 'profiles', id, profile, { notFound: this.record.notFound });
    }
    await uniqueOr(
      () =>
        execute(
          manager,
          `UPDATE ${this.record.table} SET ${record.columns.length ? `${record.set(2)}, ` : ''}updated_at = now()
            WHERE profile_id = $1`,
          [id, ...record.values],
        ),
      changes.conflicts,
    );
  }

  /** Withdrawn, left: the record stays, with its new status. */
  async setStatus(id: string, status: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE ${this.record.table} SET status = $2, updated_at = now() WHERE profile_id = $1`,
      [id, status],
    );
  }

  /** The profile and, by its foreign keys' cascade, the record and its links. */
  async deleteProfile(id: string): Promise<void> {
    await execute(this.tenant.manager, `DELETE FROM profiles WHERE id = $1`, [id]);
  }

  /** One statement for a page of the kind and its total (see queryPage). */
  protected page(
    where: string,
    filter: unknown[],
    orderBy: string,
    query: Pick<PageQuery, 'page' | 'pageSize'>,
  ): Promise<{ rows: Row[]; meta: PageMeta }> {
    const sql: PageSql = { select: this.columns, from: this.from, where, orderBy };
    return queryPage<Row>(this.tenant.manager, sql, filter, query);
  }

  /**
   * Enrolling, onboarding or adding a person: the profile, then the kind's record from
   * `recordSql` over $1 (the new profile's id) and `values`. Answers the profile's id.
   */
  protected async insertPerson(
    person: PersonDto & { dateOfBirth?: string; gender?: string },
    recordSql: string,
    values: unknown[],
    conflicts: Record<string, () => AppError> = {},
  ): Promise<string> {
    const manager = this.tenant.manager;
    const [profile] = await selectRows<{ id: string }>(
      manager,
      `INSERT INTO profiles (kind, first_name, middle_name, last_name, email, date_of_birth, gender)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        this.record.kind,
        person.firstName,
        person.middleName || null,
        person.lastName,
        person.email ?? null,
        person.dateOfBirth ?? null,
        person.gender ?? null,
      ],
    );
    await uniqueOr(() => execute(manager, recordSql, [profile.id, ...values]), conflicts);
    return profile.id;
  }

  protected accountsOf(rows: readonly Row[], final = false): Promise<Map<string, LinkedAccount>> {
    return this.accounts.linkedAccounts(
      this.tenant.manager,
      rows.flatMap((row) => (row.user_id ? [row.user_id] : [])),
      final,
    );
  }

  protected accountView(row: Row, accounts: Map<string, LinkedAccount>): AccountView | null {
    return accountView(row, accounts);
  }
}
