import { Inject, Injectable, Optional } from '@nestjs/common';
import { type TenantMigration } from '@schoolyard/migrations/tenant';
import { type EntityManager } from 'typeorm';
import { type BehindRow, FleetLedgerStore, type LedgerRow } from './fleet-ledger.store';
import { TENANT_MIGRATIONS, TenantRelease } from './tenant-release';

export { type SchoolToMigrate } from './fleet-ledger.store';

export interface PlanScope {
  /** Archived schools too: only when one is being brought back. */
  includeArchived?: boolean;
}

/** A school the ledger says is behind, and what migrating it would apply. */
export interface PlannedSchool extends BehindRow {
  pending: string[];
}

export interface SchoolVersion extends Omit<LedgerRow, 'version'> {
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

/**
 * The fleet ledger in `public`: which school is at which release. "What is pending" and
 * "where is everyone" are one query each, never a visit to every school.
 */
@Injectable()
export class FleetLedger {
  readonly release: TenantRelease;

  constructor(
    private readonly store: FleetLedgerStore,
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
    const rows = await this.store.schoolsBehind(
      this.release,
      slugs ?? null,
      scope.includeArchived === true,
    );
    return rows.map((row) => ({ ...row, pending: this.release.after(row.lastMigration) }));
  }

  /** Every school's version against this build, and the fleet in numbers. */
  async status(slugs?: string[]): Promise<FleetStatus> {
    const rows = await this.store.ledgerRows(slugs ?? null);
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

  /** Schools per status (current, behind, migrating, failed, ahead, archived), for metrics. */
  async progress(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {
      current: 0,
      behind: 0,
      migrating: 0,
      failed: 0,
      ahead: 0,
      archived: 0,
    };
    for (const row of await this.store.progress(this.release)) counts[row.status] = row.schools;
    return counts;
  }

  /** Slugs a maintainer named that no school has. */
  async unknownSlugs(slugs: string[]): Promise<string[]> {
    const known = await this.store.knownSlugs(slugs);
    return slugs.filter((slug) => !known.has(slug));
  }

  /**
   * Writes the school's ledger row. `manager` is the migrating school's own transaction, so the
   * record commits with the work it describes and under the same advisory lock.
   */
  record(
    manager: EntityManager,
    organizationId: string,
    state: 'current' | 'failed',
    error: string | null,
  ): Promise<void> {
    return this.store.record(manager, organizationId, state, error, this.release);
  }
}
