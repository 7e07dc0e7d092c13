import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE, type OrganizationStatus } from '@schoolyard/database';
import { type School } from '@schoolyard/tenancy';
import { DataSource, type EntityManager } from 'typeorm';

export interface SchoolListing {
  slug: string;
  name: string;
  status: OrganizationStatus;
  host: string | null;
  createdAt: Date;
  lastMigration: string | null;
  migrationState: string | null;
}

/** What else names a school in `public` (cascaded away when it is dropped). */
export interface SchoolDependents {
  domains: number;
  memberships: number;
}

/**
 * The school registry as the owner account keeps it (public.organizations and domains).
 * Methods taking a `manager` run in the caller's transaction; the others in their own.
 */
@Injectable()
export class SchoolRegistryStore {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  listSchools(status: OrganizationStatus | null): Promise<SchoolListing[]> {
    return selectRows<SchoolListing>(
      this.owner.manager,
      `SELECT o.slug, o.name, o.status, d.host, o.created_at AS "createdAt",
              l.last_migration AS "lastMigration", l.state AS "migrationState"
         FROM public.organizations o
         LEFT JOIN public.domains d ON d.organization_id = o.id AND d.is_primary
         LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE $1::text IS NULL OR o.status = $1
        ORDER BY o.slug`,
      [status],
    );
  }

  /** The school of `slug`; with `manager` and FOR UPDATE, locked for the caller's transaction. */
  findSchoolBySlug(
    slug: string,
    lock?: { manager: EntityManager; mode: 'FOR UPDATE' },
  ): Promise<School | undefined> {
    return selectRow<School>(
      lock?.manager ?? this.owner.manager,
      `SELECT id, slug, name, status, schema_name AS "schemaName", db_role AS "dbRole"
         FROM public.organizations WHERE slug = $1${lock ? ` ${lock.mode}` : ''}`,
      [slug],
    );
  }

  async schoolStatus(manager: EntityManager, id: string): Promise<string | undefined> {
    const row = await selectRow<{ status: string }>(
      manager,
      'SELECT status FROM public.organizations WHERE id = $1',
      [id],
    );
    return row?.status;
  }

  /**
   * Sets the status of `slug` under a row lock and answers the status it had (undefined: no
   * such school). A school already at `to` is not written, so its registry NOTIFY stays quiet.
   */
  async changeStatus(
    manager: EntityManager,
    slug: string,
    to: OrganizationStatus,
  ): Promise<{ from: OrganizationStatus; id: string } | undefined> {
    const row = await selectRow<{ from: OrganizationStatus; id: string }>(
      manager,
      `WITH previous AS (SELECT id, status FROM public.organizations WHERE slug = $1 FOR UPDATE),
            changed AS (
              UPDATE public.organizations o SET status = $2, updated_at = now()
                FROM previous WHERE o.id = previous.id AND previous.status <> $2
              RETURNING o.id)
       SELECT previous.status AS "from", previous.id FROM previous`,
      [slug, to],
    );
    return row;
  }

  async countDependents(manager: EntityManager, id: string): Promise<SchoolDependents> {
    const row = await selectRow<SchoolDependents>(
      manager,
      `SELECT (SELECT count(*)::int FROM public.domains WHERE organization_id = $1) AS domains,
              (SELECT count(*)::int FROM public.school_memberships WHERE organization_id = $1)
                AS memberships`,
      [id],
    );
    return row ?? { domains: 0, memberships: 0 };
  }

  /** A temporary password the school issued is useless without it: no ciphertext stays. */
  async forgetTemporaryPasswords(manager: EntityManager, id: string): Promise<void> {
    await execute(
      manager,
      `UPDATE public.users SET temporary_password = NULL, temporary_password_school = NULL
        WHERE temporary_password_school = $1`,
      [id],
    );
  }

  /** Domains, ledger row, memberships and sessions go with it, by cascade. */
  async deleteSchool(manager: EntityManager, id: string): Promise<void> {
    await execute(manager, `DELETE FROM public.organizations WHERE id = $1`, [id]);
  }

  async insertSchool(
    manager: EntityManager,
    school: Pick<School, 'slug' | 'name' | 'schemaName' | 'dbRole'>,
  ): Promise<{ id: string; createdAt: Date }> {
    const [row] = await selectRows<{ id: string; created_at: Date }>(
      manager,
      `INSERT INTO public.organizations (slug, name, schema_name, db_role)
       VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
      [school.slug, school.name, school.schemaName, school.dbRole],
    );
    return { id: row.id, createdAt: row.created_at };
  }

  async insertPrimaryDomain(manager: EntityManager, host: string, schoolId: string): Promise<void> {
    await execute(
      manager,
      `INSERT INTO public.domains (host, organization_id, is_primary) VALUES ($1, $2, true)`,
      [host, schoolId],
    );
  }

  /** A school has the slug, or a domain the host. */
  async isSlugOrHostTaken(slug: string, host: string): Promise<boolean> {
    const rows = await selectRows(
      this.owner.manager,
      `SELECT 1 FROM public.organizations WHERE slug = $1
       UNION ALL SELECT 1 FROM public.domains WHERE host = $2 LIMIT 1`,
      [slug, host],
    );
    return rows.length > 0;
  }
}
