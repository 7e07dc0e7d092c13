import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordPlatformEvent } from '@schoolyard/audit';
import { OWNER_DATA_SOURCE, OwnerConnections } from '@schoolyard/database';
import { syncPermissionCatalog } from '@schoolyard/migrations/tenant';
import { DataSource, type QueryRunner } from 'typeorm';
import { FleetLedger, type PlanScope, type SchoolToMigrate } from './fleet-ledger.service';
import { SchoolRegistryStore } from './school-registry.store';
import { SchoolSchemaStore } from './school-schema.store';

/**
 * Schools migrated at once when the caller does not say. Each school's transaction waits on
 * its own commit, so even a 2-core server gains up to about 8 (the fleet benchmark: 1,000
 * schools took 31.7 s at 1, 9.3 s at 4, 7.5 s at 8).
 */
export const DEFAULT_MIGRATION_CONCURRENCY = 8;

/**
 * How long a migration waits for a table lock a request of the school holds. Waiting longer
 * would queue every later request of that school behind the migration's exclusive lock; the
 * school is marked failed instead, and a re-run retries it.
 */
const MIGRATION_LOCK_TIMEOUT = '10s';

export type SchoolMigrationOutcome =
  | { slug: string; status: 'migrated'; applied: string[] }
  | { slug: string; status: 'current' }
  | { slug: string; status: 'skipped'; reason: string }
  | { slug: string; status: 'failed'; error: string };

export interface FleetSummary {
  latest: string;
  migrated: string[];
  current: string[];
  skipped: Array<{ slug: string; reason: string }>;
  failed: Array<{ slug: string; error: string }>;
}

export interface FleetOptions {
  concurrency: number;
  /**
   * Who runs the migration, for the platform audit trail: `cli:<user>` for `tenants migrate`,
   * `api:start-up` when the API catches schools up as it starts. Unnamed: `system:migrator`.
   */
  actor?: string;
  slugs?: string[];
  /** Called once the pending schools are known, before the first is migrated. */
  onPlan?: (total: number) => void;
  onSchool?: (outcome: SchoolMigrationOutcome, done: number, total: number) => void;
}

/** Who the platform audit trail names when a caller of the migrator names nobody. */
const UNNAMED_ACTOR = 'system:migrator';

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Applies tenant migrations school by school, each school in its own transaction. The ledger
 * says which schools are behind; a school that fails stays at its previous version, its
 * failure is recorded, and the rest go on (invariant 5).
 */
@Injectable()
export class TenantMigrator {
  private readonly logger = new Logger(TenantMigrator.name);

  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    readonly ledger: FleetLedger,
    private readonly connections: OwnerConnections,
    private readonly registry: SchoolRegistryStore,
    private readonly schemas: SchoolSchemaStore,
  ) {}

  get latest(): string {
    return this.ledger.release.latest;
  }

  /**
   * Runs inside a transaction whose search_path is already the school's schema: the pending
   * migrations, then the permission catalog sync. With `upTo` (a schema version: migration
   * names), only those migrations and no sync: a restore builds the schema its archive was
   * made at, loads the rows, then calls this again without it.
   */
  async applyPending(runner: QueryRunner, upTo?: ReadonlySet<string>): Promise<string[]> {
    return (await this.applyPendingFrom(runner, upTo)).ran;
  }

  /** applyPending, also answering the school's version before it (its latest migration). */
  private async applyPendingFrom(
    runner: QueryRunner,
    upTo?: ReadonlySet<string>,
  ): Promise<{ from: string | null; ran: string[] }> {
    const applied = await this.schemas.appliedMigrations(runner.manager);
    const from =
      this.ledger.release.migrations.findLast((migration) => applied.has(migration.name))?.name ??
      null;
    const ran: string[] = [];
    for (const migration of this.ledger.release.migrations) {
      if (applied.has(migration.name) || (upTo && !upTo.has(migration.name))) continue;
      await migration.up(runner);
      ran.push(migration.name);
    }
    // One statement for all of them: a migration that fails throws before it, and the caller
    // rolls back the migrations before it with their rows, as it would any row recorded earlier.
    if (ran.length) await this.schemas.recordMigrations(runner.manager, ran);
    if (upTo) return { from, ran };
    const synced = await syncPermissionCatalog(runner);
    if (synced.added.length || synced.removed.length) ran.push('permission catalog');
    return { from, ran };
  }

  async pendingSchools(slugs?: string[], scope: PlanScope = {}): Promise<SchoolToMigrate[]> {
    const planned = await this.ledger.plan(slugs, scope);
    return planned.map(({ id, slug, schemaName }) => ({ id, slug, schemaName }));
  }

  /**
   * One school, one connection, one transaction: the advisory lock, the migrations inside a
   * savepoint, and the ledger record. On failure only the savepoint is rolled back, so the
   * failure is recorded before the lock is let go: a second maintainer's run cannot slip in
   * between and have its result overwritten. Never throws: every problem is an outcome.
   */
  async migrateSchool(
    school: SchoolToMigrate,
    scope: PlanScope & { actor?: string } = {},
  ): Promise<SchoolMigrationOutcome> {
    const actor = scope.actor ?? UNNAMED_ACTOR;
    const runner = this.owner.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      await this.schemas.lockSchool(runner.manager, school.id);
      // Re-read under the lock: the school may have been dropped or archived since the plan.
      const now = await this.registry.schoolStatus(runner.manager, school.id);
      if (!now || (now === 'archived' && !scope.includeArchived)) {
        await runner.rollbackTransaction();
        const reason = now ? 'archived since the plan' : 'dropped since the plan';
        return { slug: school.slug, status: 'skipped', reason };
      }
      await this.schemas.enterForMigration(
        runner.manager,
        school.schemaName,
        MIGRATION_LOCK_TIMEOUT,
      );
      await this.schemas.savepoint(runner.manager, 'migrate');
      let outcome: SchoolMigrationOutcome;
      try {
        const { from, ran: applied } = await this.applyPendingFrom(runner);
        await this.ledger.record(runner.manager, school.id, 'current', null);
        // With the migrations it describes: the entry exists exactly when they committed.
        if (applied.length) {
          await recordPlatformEvent(runner.manager, {
            actor,
            action: 'school.migrated',
            organizationId: school.id,
            schoolSlug: school.slug,
            details: { from, to: this.latest, applied },
          });
        }
        outcome = applied.length
          ? { slug: school.slug, status: 'migrated', applied }
          : { slug: school.slug, status: 'current' };
      } catch (error) {
        const message = messageOf(error);
        await this.schemas.rollbackToSavepoint(runner.manager, 'migrate');
        await this.ledger.record(runner.manager, school.id, 'failed', message);
        await recordPlatformEvent(runner.manager, {
          actor,
          action: 'school.migration_failed',
          organizationId: school.id,
          schoolSlug: school.slug,
          details: { to: this.latest, error: message },
        });
        this.logger.warn(`tenant migration failed for ${school.slug}: ${message}`);
        outcome = { slug: school.slug, status: 'failed', error: message };
      }
      await runner.commitTransaction();
      return outcome;
    } catch (error) {
      // The connection itself failed (or the record could not be written): nothing of this
      // school's work committed, and the ledger still says where it was.
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      return { slug: school.slug, status: 'failed', error: messageOf(error) };
    } finally {
      await this.connections.releaseAfterSchool(runner);
    }
  }

  async migrateFleet(options: FleetOptions): Promise<FleetSummary> {
    const schools = await this.pendingSchools(options.slugs);
    options.onPlan?.(schools.length);
    const summary: FleetSummary = {
      latest: this.latest,
      migrated: [],
      current: [],
      skipped: [],
      failed: [],
    };
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < schools.length) {
        const school = schools[next++];
        const outcome = await this.migrateSchool(school, { actor: options.actor });
        if (outcome.status === 'migrated') summary.migrated.push(outcome.slug);
        else if (outcome.status === 'current') summary.current.push(outcome.slug);
        else if (outcome.status === 'skipped') {
          summary.skipped.push({ slug: outcome.slug, reason: outcome.reason });
        } else summary.failed.push({ slug: outcome.slug, error: outcome.error });
        options.onSchool?.(outcome, ++done, schools.length);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency, schools.length));
    await Promise.all(Array.from({ length: workers }, worker));
    // Counts, and the slugs only of what needs a maintainer: a run over 1,000 schools would
    // otherwise write every slug twice (each school has its own entry).
    await recordPlatformEvent(this.owner.manager, {
      actor: options.actor ?? UNNAMED_ACTOR,
      action: 'fleet.migrated',
      details: {
        latest: summary.latest,
        planned: schools.length,
        migrated: summary.migrated.length,
        current: summary.current.length,
        skipped: summary.skipped,
        failed: summary.failed,
        ...(options.slugs ? { slugs: options.slugs } : {}),
      },
    });
    return summary;
  }
}
