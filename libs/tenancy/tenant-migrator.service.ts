import { Injectable, Logger } from '@nestjs/common';
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
const SCHOOL_LOCK_NAMESPACE = 7_240_002;

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
  onSchool?: (outcome: SchoolMigrationOutcome, done: number, total: number) => void;
}

/**
 * Applies tenant migrations school by school, each school in its own transaction. The ledger
 * in `public` says which school is where, so "what is pending" is one query, not a visit to
 * every schema; a school that fails stays at its previous version and the rest go on.
 */
@Injectable()
export class TenantMigrator {
  private readonly logger = new Logger(TenantMigrator.name);
  readonly migrations: TenantMigration[] = tenantMigrations.map((Migration) => new Migration());

  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

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

  async pendingSchools(slugs?: string[]): Promise<SchoolToMigrate[]> {
    return this.owner.query(
      `SELECT o.id, o.slug, o.schema_name AS "schemaName"
         FROM public.organizations o
         LEFT JOIN public.tenant_migration_ledger l ON l.organization_id = o.id
        WHERE o.status <> 'archived'
          AND (l.organization_id IS NULL OR l.state <> 'current'
               OR l.last_migration IS DISTINCT FROM $1 OR l.catalog_version IS DISTINCT FROM $3)
          AND ($2::text[] IS NULL OR o.slug = ANY($2::text[]))
        ORDER BY o.slug`,
      [this.latest, slugs ?? null, this.catalogVersion],
    );
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
