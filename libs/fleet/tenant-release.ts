import {
  PERMISSION_CATALOG_VERSION,
  type TenantMigration,
  tenantMigrations,
} from '@schoolyard/migrations/tenant';
import { createHash } from 'node:crypto';

/**
 * Replaces the tenant migration list. Production code never provides it: the benchmarks and
 * the fleet-migration tests use it to ship "a new migration" without editing the real list.
 */
export const TENANT_MIGRATIONS = Symbol('TENANT_MIGRATIONS');

/**
 * What this build puts in every school: its tenant migrations in order and its permission
 * catalog. `version` is a digest of both, recorded in the ledger; a school whose ledger
 * holds another digest is behind (or was migrated by another build).
 */
export class TenantRelease {
  readonly migrations: TenantMigration[];
  readonly names: string[];
  readonly version: string;

  constructor(list: ReadonlyArray<new () => TenantMigration> = tenantMigrations) {
    this.migrations = list.map((Migration) => new Migration());
    this.names = this.migrations.map((migration) => migration.name);
    this.version = createHash('sha256')
      .update([...this.names, PERMISSION_CATALOG_VERSION].join('\n'))
      .digest('hex')
      .slice(0, 16);
  }

  get latest(): string {
    return this.names[this.names.length - 1];
  }

  /** A name this build does not know was applied by a newer build. */
  knows(name: string): boolean {
    return this.names.includes(name);
  }

  /** The migrations after `last` (all of them when the school has none). */
  after(last: string | null): string[] {
    return this.names.slice(last === null ? 0 : this.names.indexOf(last) + 1);
  }
}
