import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { type EntityManager } from 'typeorm';
import { type ArchivePublicRows } from './backup-archive';

export interface SchoolTable {
  name: string;
  columns: string[];
}

export interface AccountDifference {
  id: string;
  username: string;
  fields: string[];
}

/**
 * The SQL of backups and restores, in the caller's owner transaction. Schema and table names
 * come from the catalog or from validated slugs: DDL and COPY cannot take them as parameters,
 * so they are quoted identifiers in the text.
 */
@Injectable()
export class SchoolBackupStore {
  /**
   * A table's rows as COPY text, streamed: readable in an emergency, and it loads into a newer
   * table whose column types were widened, where binary COPY would refuse.
   */
  copyOut(client: PoolClient, schema: string, table: string, columns: readonly string[]) {
    return client.query(
      copyTo(
        `COPY ${quoteIdentifier(schema)}.${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) TO STDOUT`,
      ),
    );
  }

  /** The stream a restore writes a table's COPY text into. */
  copyIn(client: PoolClient, schema: string, table: string, columns: readonly string[]) {
    return client.query(
      copyFrom(
        `COPY ${quoteIdentifier(schema)}.${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) FROM STDIN`,
      ),
    );
  }

  /** One snapshot for everything the backup reads, and no write by mistake. */
  async beginSnapshot(manager: EntityManager): Promise<void> {
    await execute(manager, 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  }

  /** Nothing was written: ending the snapshot either way is the same. */
  async endSnapshot(manager: EntityManager): Promise<void> {
    await execute(manager, 'ROLLBACK');
  }

  async migrationsOf(manager: EntityManager, schema: string): Promise<string[]> {
    const rows = await selectRows<{ name: string }>(
      manager,
      `SELECT name FROM ${quoteIdentifier(schema)}.school_migrations ORDER BY name COLLATE "C"`,
    );
    return rows.map((row) => row.name);
  }

  /**
   * The school's tables in foreign-key order (a table after those it references; ties by
   * name), with their stored columns (generated ones are computed again on load). The
   * migrations' own table is left out: the manifest's schema version is its content.
   */
  async tablesOf(manager: EntityManager, schema: string): Promise<SchoolTable[]> {
    const tables = await selectRows<{ name: string; columns: string[]; refs: string[] }>(
      manager,
      `SELECT c.relname AS name,
              array(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                       AND a.attgenerated = '' ORDER BY a.attnum) AS columns,
              array(SELECT DISTINCT r.relname::text FROM pg_constraint f
                      JOIN pg_class r ON r.oid = f.confrelid
                     WHERE f.conrelid = c.oid AND f.contype = 'f' AND r.oid <> c.oid
                       AND r.relnamespace = c.relnamespace) AS refs
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND c.relname <> 'school_migrations'
        ORDER BY c.relname COLLATE "C"`,
      [schema],
    );
    const ordered: SchoolTable[] = [];
    const placed = new Set<string>();
    let left = tables;
    while (left.length) {
      const ready = left.filter((t) => t.refs.every((ref) => placed.has(ref)));
      // A cycle of references (none today) would stall: take the rest by name.
      const next = ready.length ? ready : left;
      for (const table of next) {
        ordered.push({ name: table.name, columns: table.columns });
        placed.add(table.name);
      }
      left = left.filter((t) => !placed.has(t.name));
    }
    return ordered;
  }

  async countRows(manager: EntityManager, schema: string, table: string): Promise<number> {
    const row = await selectRow<{ rows: number }>(
      manager,
      `SELECT count(*)::int AS rows FROM ${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
    );
    return row?.rows ?? 0;
  }

  /**
   * The school's rows in `public`, and the accounts its profiles, role assignments and
   * memberships point at.
   */
  async publicRowsOf(
    manager: EntityManager,
    schoolId: string,
    schema: string,
  ): Promise<ArchivePublicRows> {
    const s = quoteIdentifier(schema);
    const row = await selectRow<ArchivePublicRows>(
      manager,
      `SELECT (SELECT to_jsonb(o) FROM public.organizations o WHERE o.id = $1) AS organization,
              (SELECT coalesce(jsonb_agg(to_jsonb(d) ORDER BY d.host), '[]')
                 FROM public.domains d WHERE d.organization_id = $1) AS domains,
              (SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.user_id), '[]')
                 FROM public.school_memberships m WHERE m.organization_id = $1) AS memberships,
              (SELECT coalesce(jsonb_agg(to_jsonb(s)), '[]')
                 FROM public.subscriptions s WHERE s.organization_id = $1) AS subscriptions,
              (SELECT coalesce(jsonb_agg(to_jsonb(p) - 'total_minor' ORDER BY p.created_at), '[]')
                 FROM public.payments p WHERE p.organization_id = $1) AS payments,
              (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.created_at), '[]')
                 FROM public.payment_events e WHERE e.organization_id = $1) AS "paymentEvents",
              (SELECT coalesce(jsonb_agg(to_jsonb(u) ORDER BY u.id), '[]')
                 FROM public.users u
                WHERE u.id IN (SELECT user_id FROM ${s}.profiles WHERE user_id IS NOT NULL
                               UNION SELECT user_id FROM ${s}.user_roles
                               UNION SELECT user_id FROM public.school_memberships
                                      WHERE organization_id = $1)) AS accounts`,
      [schoolId],
    );
    if (!row?.organization) throw new Error('the school vanished during the backup');
    return row;
  }

  /** Whether an organization has this id (then a restored school gets a new one). */
  async organizationExists(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await selectRows(manager, 'SELECT 1 FROM public.organizations WHERE id = $1', [
      id,
    ]);
    return rows.length > 0;
  }

  /** The first free `<slug>-replaced-<n>`. */
  async freeReplacedSlug(manager: EntityManager, slug: string): Promise<string> {
    const rows = await selectRows<{ slug: string }>(
      manager,
      `SELECT slug FROM public.organizations WHERE slug LIKE $1`,
      [`${slug}-replaced-%`],
    );
    const taken = new Set(rows.map((row) => row.slug));
    let n = 1;
    while (taken.has(`${slug}-replaced-${n}`)) n++;
    return `${slug}-replaced-${n}`;
  }

  /** Moves a school aside under new names: archived, no domains, its data intact. */
  async renameAside(
    manager: EntityManager,
    school: { id: string; schemaName: string; dbRole: string },
    to: { slug: string; schemaName: string; dbRole: string },
  ): Promise<void> {
    await execute(
      manager,
      [
        `ALTER SCHEMA ${quoteIdentifier(school.schemaName)} RENAME TO ${quoteIdentifier(to.schemaName)}`,
        `ALTER ROLE ${quoteIdentifier(school.dbRole)} RENAME TO ${quoteIdentifier(to.dbRole)}`,
      ].join('; '),
    );
    await execute(manager, 'DELETE FROM public.domains WHERE organization_id = $1', [school.id]);
    await execute(
      manager,
      `UPDATE public.organizations
          SET slug = $2, schema_name = $3, db_role = $4, status = 'archived', updated_at = now()
        WHERE id = $1`,
      [school.id, to.slug, to.schemaName, to.dbRole],
    );
  }

  /** User triggers off (audit, notifications, invoice rules) and every seeded row gone. */
  async prepareForLoad(manager: EntityManager, schema: string, tables: string[]): Promise<void> {
    if (!tables.length) return;
    const names = tables.map((t) => `${quoteIdentifier(schema)}.${quoteIdentifier(t)}`);
    await execute(
      manager,
      [
        ...names.map((n) => `ALTER TABLE ${n} DISABLE TRIGGER USER`),
        `TRUNCATE ${names.join(', ')}`,
      ].join('; '),
    );
  }

  async enableTriggers(manager: EntityManager, schema: string, tables: string[]): Promise<void> {
    if (!tables.length) return;
    await execute(
      manager,
      tables
        .map(
          (t) => `ALTER TABLE ${quoteIdentifier(schema)}.${quoteIdentifier(t)} ENABLE TRIGGER USER`,
        )
        .join('; '),
    );
  }

  /** Every sequence of the schema continues after the highest value its column holds. */
  async resetSequences(manager: EntityManager, schema: string): Promise<void> {
    const rows = await selectRows<{ sequence: string; table: string; column: string }>(
      manager,
      `SELECT s.relname AS sequence, t.relname AS table, a.attname AS column
         FROM pg_depend d
         JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
         JOIN pg_class t ON t.oid = d.refobjid
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
         JOIN pg_namespace n ON n.oid = s.relnamespace
        WHERE n.nspname = $1 AND d.deptype IN ('a', 'i')`,
      [schema],
    );
    const q = quoteIdentifier(schema);
    for (const row of rows) {
      await selectRows(
        manager,
        `SELECT setval($1::regclass, coalesce((SELECT max(${quoteIdentifier(row.column)})
                  FROM ${q}.${quoteIdentifier(row.table)}), 0) + 1, false)`,
        [`${q}.${quoteIdentifier(row.sequence)}`],
      );
    }
  }

  /** Rows of a public table from their archived JSON, in the columns it has now. */
  async insertPublicRows(
    manager: EntityManager,
    table:
      | 'organizations'
      | 'domains'
      | 'school_memberships'
      | 'subscriptions'
      | 'payments'
      | 'payment_events'
      | 'users',
    rows: Array<Record<string, unknown>>,
    onConflict: 'fail' | 'skip',
  ): Promise<number> {
    if (!rows.length) return 0;
    const columns = await selectRows<{ name: string }>(
      manager,
      `SELECT a.attname AS name FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attgenerated = '' ORDER BY a.attnum`,
      [`public.${table}`],
    );
    // Only the columns the archive has: the others take their defaults.
    const present = columns.map((c) => c.name).filter((name) => name in rows[0]);
    const list = present.map(quoteIdentifier).join(', ');
    const inserted = await selectRows(
      manager,
      `INSERT INTO public.${quoteIdentifier(table)} (${list})
       SELECT ${list} FROM jsonb_populate_recordset(NULL::public.${quoteIdentifier(table)}, $1::jsonb)
       ${onConflict === 'skip' ? 'ON CONFLICT DO NOTHING' : ''} RETURNING 1`,
      [JSON.stringify(rows)],
    );
    return inserted.length;
  }

  /** Archived accounts that exist now, with the fields where the current row differs. */
  async existingAccounts(
    manager: EntityManager,
    accounts: Array<Record<string, unknown>>,
  ): Promise<Map<string, AccountDifference>> {
    const rows = await selectRows<AccountDifference>(
      manager,
      `SELECT u.id, u.global_username AS username,
              array_remove(ARRAY[
                CASE WHEN u.email IS DISTINCT FROM a.email THEN 'email' END,
                CASE WHEN u.password_hash IS DISTINCT FROM a.password_hash THEN 'password' END,
                CASE WHEN u.global_username IS DISTINCT FROM a.global_username THEN 'username' END
              ], NULL) AS fields
         FROM jsonb_to_recordset($1::jsonb)
              AS a(id uuid, email text, password_hash text, global_username text)
         JOIN public.users u ON u.id = a.id`,
      [JSON.stringify(accounts)],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  async existingPaymentIds(manager: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await selectRows<{ id: string }>(
      manager,
      'SELECT id FROM public.payments WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The fee merchant's sealed secret, if the school has one. */
  async merchantSecret(manager: EntityManager, schema: string): Promise<string | undefined> {
    const row = await selectRow<{ sealed: string }>(
      manager,
      `SELECT secret_sealed AS sealed FROM ${quoteIdentifier(schema)}.fee_merchant_accounts LIMIT 1`,
    );
    return row?.sealed;
  }

  async resealMerchantSecret(manager: EntityManager, schema: string, sealed: string) {
    await execute(
      manager,
      `UPDATE ${quoteIdentifier(schema)}.fee_merchant_accounts SET secret_sealed = $1`,
      [sealed],
    );
  }
}
