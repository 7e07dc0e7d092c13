import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import {
  PERMISSION_CATALOG_VERSION,
  syncPermissionCatalog,
  type TenantMigration,
  tenantMigrations,
} from '@schoolyard/migrations/tenant';
import { DataSource, type QueryRunner } from 'typeorm';
import { quoteIdentifier } from './school-naming';

/** Advisory-lock namespace: one lock per school, so two maintainers never migrate one school at once. */
export const SCHOOL_LOCK_NAMESPACE = 7_240_002;

/**
 * Replaces the tenant migration list. Production code never provides it: the benchmarks and
 * the fleet-migration tests use it to ship "a new migration" without editing the real list.
 */
export const TENANT_MIGRATIONS = Symbol('TENANT_MIGRATIONS');

/**
 * Schools migrated at once when the caller does not say. Each school's transaction waits on
 * its own commit, so even a 2-core server gains up to about 8 (the fleet benchmark: 1,000
 * schools took 31.7 s at 1, 9.3 s at 4, 7.5 s at 8).
 */
export const DEFAULT_MIGRATION_CONCURRENCY = 8;

export interface SchoolToMigrate {
  id: string;
  slug: string;
  schemaName: string;
}

export type SchoolMigrationOutcome =
  | { slug: string; status: 'migrated'; applied: string[] }
  | { slug: string; status: 'current' }
  | { slug: string; status: 'failed'; error: string };

export interface FleetSummary {
  latest: string;
  migrated: string[];
  current: string[];
  failed: Array<{ slug: string; error: string }>;
}

export interface FleetOptions {
  concurrency: number;
  slugs?: string[];
  /** Called once the pending schools are known, before the first is migrated. */
  onPlan?: (total: number) => void;
  onSchool?: (outcome: SchoolMigrationOutcome, done: number, total: number) => void;
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
  catalogBehind: boolean;
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
  catalogCurrent: boolean;
}

export interface FleetStatus {
  latest: string;
  catalogVersion: string;
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

/**
 * Applies tenant migrations school by school, each school in its own transaction. The ledger
 * in `public` says which school is where, so "what is pending" is one query, not a visit to
 * every schema; a school that fails stays at its previous version and the rest go on.
 */
@Injectable()
export class TenantMigrator {
  private readonly logger = new Logger(TenantMigrator.name);
  readonly migrations: TenantMigration[];
  private readonly known: string[];

  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Optional() @Inject(TENANT_MIGRATIONS) migrations?: ReadonlyArray<new () => TenantMigration>,
  ) {
    this.migrations = (migrations ?? tenantMigrations).map((Migration) => new Migration());
    this.known = this.migrations.map((migration) => migration.name);
  }

  get latest(): string {
    return this.migrations[this.migrations.length - 1].name;
  }

  /** The permission catalog this code syncs into every school. */
  readonly catalogVersion = PERMISSION_CATALOG_VERSION;

  /**
   * Runs inside a transaction whose search_path is already the school's schema: the pending
   * migrations, then the permission catalog sync (cheap, and it runs only when the school was
   * found behind, which the ledger says).
   */
  async applyPending(runner: QueryRunner): Promise<string[]> {
    const ran = await this.applyPendingMigrations(runner);
    const synced = await syncPermissionCatalog(runner);
    if (synced.added.length || synced.removed.length) {
      ran.push(`permission catalog ${this.catalogVersion}`);
    }
    return ran;
  }

  private async applyPendingMigrations(runner: QueryRunner): Promise<string[]> {
    await runner.query(
      `CREATE TABLE IF NOT EXISTS school_migrations (
         name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows: Array<{ name: string }> = await runner.query('SELECT name FROM school_migrations');
    const applied = new Set(rows.map((row) => row.name));
    const ran: string[] = [];
    for (const migration of this.migrations) {
      if (applied.has(migration.name)) continue;
      await migration.up(runner);
      await runner.query('INSERT INTO school_migrations (name) VALUES ($1)', [migration.name]);
      ran.push(migration.name);
    }
    return ran;
  }

  /**
   * Schools that can serve requests (active or suspended: a suspended school may be resumed at
   * any moment) and are behind this build, by the ledger alone. Archived schools wait until
   * they are resumed. A school whose ledger names a migration this build does not know was
   * migrated by a newer build: an older one must not touch it.
   */
  async pendingSchools(slugs?: string[], scope: PlanScope = {}): Promise<SchoolToMigrate[]> {
    const planned = await this.plan(slugs, scope);
    return planned.map(({ id, slug, schemaName }) => ({ id, slug, schemaName }));
  }

  /** What `migrateFleet` would do, without doing it: one query over the ledger. */
  async plan(slugs?: string[], scope: PlanScope = {}): Promise<PlannedSchool[]> {
    const rows: Array<Omit<PlannedSchool, 'pending' | 'catalogBehind'> & { catalog: string }> =
      await this.owner.query(
        `SELECT o.id, o.slug, o.schema_name AS "schemaName", l.state,
                l.last_migration AS "lastMigration", l.last_error AS "lastError",
                l.catalog_version AS catalog
           FROM public.organizations o
           LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
          WHERE (o.status <> 'archived' OR $5)
            AND (l.last_migration IS NULL OR l.last_migration = ANY($4::text[]))
            AND (l.organization_id IS NULL OR l.state <> 'current'
                 OR l.last_migration IS DISTINCT FROM $1 OR l.catalog_version IS DISTINCT FROM $3)
            AND ($2::text[] IS NULL OR o.slug = ANY($2::text[]))
          ORDER BY o.slug`,
        [
          this.latest,
          slugs ?? null,
          this.catalogVersion,
          this.known,
          scope.includeArchived === true,
        ],
      );
    return rows.map(({ catalog, ...row }) => ({
      ...row,
      pending: this.known.slice(
        row.lastMigration === null ? 0 : this.known.indexOf(row.lastMigration) + 1,
      ),
      catalogBehind: catalog !== this.catalogVersion,
    }));
  }

  /** Every school's version against this build, and the fleet in numbers. */
  async status(slugs?: string[]): Promise<FleetStatus> {
    const rows: Array<Omit<SchoolVersion, 'behind' | 'catalogCurrent'> & { catalog: string }> =
      await this.owner.query(
        `SELECT o.slug, o.status, l.last_migration AS "lastMigration", l.state,
                l.last_error AS "lastError", l.migrated_at AS "migratedAt",
                l.catalog_version AS catalog
           FROM public.organizations o
           LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
          WHERE $1::text[] IS NULL OR o.slug = ANY($1::text[])
          ORDER BY o.slug`,
        [slugs ?? null],
      );
    const summary = { total: 0, current: 0, behind: 0, failed: 0, ahead: 0, archived: 0 };
    const schools = rows.map(({ catalog, ...row }): SchoolVersion => {
      const position = row.lastMigration === null ? -1 : this.known.indexOf(row.lastMigration);
      const ahead = row.lastMigration !== null && position === -1;
      const behind = ahead ? -1 : this.known.length - 1 - position;
      const school = { ...row, behind, catalogCurrent: catalog === this.catalogVersion };
      summary.total++;
      // Archived schools are not migrated until resumed: they count apart, not as behind.
      if (row.status === 'archived') summary.archived++;
      else if (ahead) summary.ahead++;
      else if (row.state === 'failed') summary.failed++;
      else if (behind > 0 || !school.catalogCurrent || row.state !== 'current') summary.behind++;
      else summary.current++;
      return school;
    });
    return { latest: this.latest, catalogVersion: this.catalogVersion, schools, summary };
  }

  async migrateSchool(school: SchoolToMigrate): Promise<SchoolMigrationOutcome> {
    const runner = this.owner.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        SCHOOL_LOCK_NAMESPACE,
        school.id,
      ]);
      await runner.query(`SELECT set_config('search_path', $1, true)`, [
        quoteIdentifier(school.schemaName),
      ]);
      const applied = await this.applyPending(runner);
      await this.record(runner, school.id, 'current', null);
      await runner.commitTransaction();
      return applied.length
        ? { slug: school.slug, status: 'migrated', applied }
        : { slug: school.slug, status: 'current' };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`tenant migration failed for ${school.slug}: ${message}`);
      await this.record(this.owner, school.id, 'failed', message);
      return { slug: school.slug, status: 'failed', error: message };
    } finally {
      await runner.release();
    }
  }

  async migrateFleet(options: FleetOptions): Promise<FleetSummary> {
    const schools = await this.pendingSchools(options.slugs);
    options.onPlan?.(schools.length);
    const summary: FleetSummary = { latest: this.latest, migrated: [], current: [], failed: [] };
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < schools.length) {
        const school = schools[next++];
        const outcome = await this.migrateSchool(school);
        if (outcome.status === 'migrated') summary.migrated.push(outcome.slug);
        else if (outcome.status === 'current') summary.current.push(outcome.slug);
        else summary.failed.push({ slug: outcome.slug, error: outcome.error });
        options.onSchool?.(outcome, ++done, schools.length);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency, schools.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return summary;
  }

  /** Writes the school's ledger row; after a failure this runs on its own, outside the rolled-back work. */
  async record(
    db: { query(sql: string, parameters: unknown[]): Promise<unknown> },
    organizationId: string,
    state: 'current' | 'failed',
    error: string | null,
  ): Promise<void> {
    await db.query(
      `INSERT INTO public.tenant_migration_ledger
           (organization_id, last_migration, catalog_version, state, last_error, attempted_at,
            migrated_at, updated_at)
         VALUES ($1, CASE WHEN $2 = 'current' THEN $3 END, CASE WHEN $2 = 'current' THEN $5 END,
                 $2, $4, now(), CASE WHEN $2 = 'current' THEN now() END, now())
         ON CONFLICT (organization_id) DO UPDATE SET
           last_migration = CASE WHEN $2 = 'current' THEN $3 ELSE tenant_migration_ledger.last_migration END,
           catalog_version = CASE WHEN $2 = 'current' THEN $5 ELSE tenant_migration_ledger.catalog_version END,
           state = $2, last_error = $4, attempted_at = now(),
           migrated_at = CASE WHEN $2 = 'current' THEN now() ELSE tenant_migration_ledger.migrated_at END,
           updated_at = now()`,
      [organizationId, state, this.latest, error, this.catalogVersion],
    );
  }
}
