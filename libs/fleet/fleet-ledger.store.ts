import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { DataSource, type EntityManager } from 'typeorm';

/** A school the ledger names, as the migration runner needs it. */
export interface SchoolToMigrate {
  id: string;
  slug: string;
  schemaName: string;
}

/** A school that is not at this release, with its ledger row (null fields: none yet). */
export interface BehindRow extends SchoolToMigrate {
  state: string | null;
  lastMigration: string | null;
  lastError: string | null;
}

/** A school with its ledger row and the release digest it was migrated to. */
export interface LedgerRow {
  slug: string;
  status: string;
  lastMigration: string | null;
  state: string | null;
  lastError: string | null;
  migratedAt: Date | null;
  version: string | null;
}

/** What this build is: its release digest, its migrations in order, its last migration. */
export interface ReleaseMark {
  version: string;
  names: string[];
  latest: string;
}

/** The fleet ledger's statements (public.tenant_migration_ledger), as the owner account. */
@Injectable()
export class FleetLedgerStore {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  /**
   * Schools not at `release`: archived ones only when asked, and never one whose last
   * migration `release` does not know (a newer build migrated it).
   */
  schoolsBehind(
    release: ReleaseMark,
    slugs: string[] | null,
    includeArchived: boolean,
  ): Promise<BehindRow[]> {
    return selectRows<BehindRow>(
      this.owner.manager,
      `SELECT o.id, o.slug, o.schema_name AS "schemaName", l.state,
              l.last_migration AS "lastMigration", l.last_error AS "lastError"
         FROM public.organizations o
         LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE (o.status <> 'archived' OR $4)
          AND (l.last_migration IS NULL OR l.last_migration = ANY($3::text[]))
          AND (l.organization_id IS NULL OR l.state <> 'current'
               OR l.schema_version IS DISTINCT FROM $1 OR l.last_migration IS DISTINCT FROM $5)
          AND ($2::text[] IS NULL OR o.slug = ANY($2::text[]))
        ORDER BY o.slug`,
      [release.version, slugs, release.names, includeArchived, release.latest],
    );
  }

  /** Every school (or the named ones) with its ledger row. */
  ledgerRows(slugs: string[] | null): Promise<LedgerRow[]> {
    return selectRows<LedgerRow>(
      this.owner.manager,
      `SELECT o.slug, o.status, l.last_migration AS "lastMigration", l.state,
              l.last_error AS "lastError", l.migrated_at AS "migratedAt",
              l.schema_version AS version
         FROM public.organizations o
         LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE $1::text[] IS NULL OR o.slug = ANY($1::text[])
        ORDER BY o.slug`,
      [slugs],
    );
  }

  /**
   * Schools per migration status against `release`, counted the way `status()` counts them:
   * one aggregate over the registry and the ledger, cheap enough to run at a metrics scrape.
   */
  progress(release: ReleaseMark): Promise<Array<{ status: string; schools: number }>> {
    return selectRows<{ status: string; schools: number }>(
      this.owner.manager,
      `SELECT CASE
                WHEN o.status = 'archived' THEN 'archived'
                WHEN l.last_migration IS NOT NULL AND NOT l.last_migration = ANY($3::text[])
                  THEN 'ahead'
                WHEN l.state = 'failed' THEN 'failed'
                WHEN l.state = 'migrating' THEN 'migrating'
                WHEN l.state = 'current' AND l.schema_version = $1 AND l.last_migration = $2
                  THEN 'current'
                ELSE 'behind'
              END AS status,
              count(*)::int AS schools
         FROM public.organizations o
         LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        GROUP BY 1`,
      [release.version, release.latest, release.names],
    );
  }

  /** Which of `slugs` some school has. */
  async knownSlugs(slugs: string[]): Promise<Set<string>> {
    const rows = await selectRows<{ slug: string }>(
      this.owner.manager,
      `SELECT slug FROM public.organizations WHERE slug = ANY($1::text[])`,
      [slugs],
    );
    return new Set(rows.map((row) => row.slug));
  }

  /**
   * Writes the school's ledger row in `manager`'s transaction (the migrating school's own):
   * 'current' moves it to `release`, 'failed' keeps where it was and records why.
   */
  async record(
    manager: EntityManager,
    organizationId: string,
    state: 'current' | 'failed',
    error: string | null,
    release: Omit<ReleaseMark, 'names'>,
  ): Promise<void> {
    await execute(
      manager,
      `INSERT INTO public.tenant_migration_ledger
           (organization_id, last_migration, schema_version, state, last_error, attempted_at,
            migrated_at, updated_at)
         VALUES ($1, CASE WHEN $2 = 'current' THEN $3 END, CASE WHEN $2 = 'current' THEN $5 END,
                 $2, $4, now(), CASE WHEN $2 = 'current' THEN now() END, now())
         ON CONFLICT (organization_id) DO UPDATE SET
           last_migration = CASE WHEN $2 = 'current' THEN $3 ELSE tenant_migration_ledger.last_migration END,
           schema_version = CASE WHEN $2 = 'current' THEN $5 ELSE tenant_migration_ledger.schema_version END,
           state = $2, last_error = $4, attempted_at = now(),
           migrated_at = CASE WHEN $2 = 'current' THEN now() ELSE tenant_migration_ledger.migrated_at END,
           updated_at = now()`,
      [organizationId, state, release.latest, error, release.version],
    );
  }
}
