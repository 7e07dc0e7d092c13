import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { type TenantMigration } from '@schoolyard/migrations/tenant';
import { DataSource } from 'typeorm';
import { TENANT_MIGRATIONS, TenantRelease } from './tenant-release';

export interface SchoolToMigrate {
  id: string;
  slug: string;
  schemaName: string;
}

export interface PlanScope {
  /** Archived schools too: only when one is being brought back. */
  includeArchived?: boolean;
}

/** A school the ledger says is behind, and what migrating it would apply. */
export interface PlannedSchool extends SchoolToMigrate {
  state: string | null;
  lastMigration: string | null;
  lastError: string | null;
  pending: string[];
}

export interface SchoolVersion {
  slug: string;
  status: string;
  lastMigration: string | null;
  state: string | null;
  lastError: string | null;
  migratedAt: Date | null;
  /** Migrations of this build the school has not had; -1 when the school is ahead of this build. */
  behind: number;
  /** The school is at exactly this build's release (migrations and permission catalog). */
  atThisRelease: boolean;
}

export interface FleetStatus {
  latest: string;
  release: string;
  schools: SchoolVersion[];
  summary: {
    total: number;
    current: number;
    behind: number;
    failed: number;
    ahead: number;
    archived: number;
  };
}

interface Queryable {
  query(sql: string, parameters: unknown[]): Promise<unknown>;
}

/**
 * The fleet ledger in `public`: which school is at which release. "What is pending" and
 * "where is everyone" are one query each, never a visit to every school.
 */
@Injectable()
export class FleetLedger {
  readonly release: TenantRelease;

  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Optional() @Inject(TENANT_MIGRATIONS) migrations?: ReadonlyArray<new () => TenantMigration>,
  ) {
    this.release = new TenantRelease(migrations);
  }

  /**
   * Schools that can serve requests (active or suspended: a suspended school may be resumed at
   * any moment) and are not at this release. Archived schools wait until they are resumed. A
   * school whose ledger names a migration this build does not know was migrated by a newer
   * build: an older one must not touch it.
   */
  async plan(slugs?: string[], scope: PlanScope = {}): Promise<PlannedSchool[]> {
    const rows: Array<Omit<PlannedSchool, 'pending'>> = await this.owner.query(
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
      [
        this.release.version,
        slugs ?? null,
        this.release.names,
        scope.includeArchived === true,
        this.release.latest,
      ],
    );
    return rows.map((row) => ({ ...row, pending: this.release.after(row.lastMigration) }));
  }

  /** Every school's version against this build, and the fleet in numbers. */
  async status(slugs?: string[]): Promise<FleetStatus> {
    const rows: Array<Omit<SchoolVersion, 'behind' | 'atThisRelease'> & { version: string }> =
      await this.owner.query(
        `SELECT o.slug, o.status, l.last_migration AS "lastMigration", l.state,
                l.last_error AS "lastError", l.migrated_at AS "migratedAt",
                l.schema_version AS version
           FROM public.organizations o
           LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
          WHERE $1::text[] IS NULL OR o.slug = ANY($1::text[])
          ORDER BY o.slug`,
        [slugs ?? null],
      );
    const summary = { total: 0, current: 0, behind: 0, failed: 0, ahead: 0, archived: 0 };
    const schools = rows.map(({ version, ...row }): SchoolVersion => {
      const ahead = row.lastMigration !== null && !this.release.knows(row.lastMigration);
      const behind = ahead ? -1 : this.release.after(row.lastMigration).length;
      const atThisRelease =
        version === this.release.version &&
        row.state === 'current' &&
        row.lastMigration === this.release.latest;
      summary.total++;
      // Archived schools are not migrated until resumed: they count apart, not as behind.
      if (row.status === 'archived') summary.archived++;
      else if (ahead) summary.ahead++;
      else if (row.state === 'failed') summary.failed++;
      else if (!atThisRelease) summary.behind++;
      else summary.current++;
      return { ...row, behind, atThisRelease };
    });
    return { latest: this.release.latest, release: this.release.version, schools, summary };
  }

  /** Slugs a maintainer named that no school has. */
  async unknownSlugs(slugs: string[]): Promise<string[]> {
    const rows: Array<{ slug: string }> = await this.owner.query(
      `SELECT slug FROM public.organizations WHERE slug = ANY($1::text[])`,
      [slugs],
    );
    const known = new Set(rows.map((row) => row.slug));
    return slugs.filter((slug) => !known.has(slug));
  }

  /**
   * Writes the school's ledger row. `db` is the migrating school's own transaction, so the
   * record commits with the work it describes and under the same advisory lock.
   */
  async record(
    db: Queryable,
    organizationId: string,
    state: 'current' | 'failed',
    error: string | null,
  ): Promise<void> {
    await db.query(
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
      [organizationId, state, this.release.latest, error, this.release.version],
    );
  }
}
