import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type TenantMigration } from '@schoolyard/migrations/tenant';
import { FleetLedger } from './fleet-ledger.service';
import { FleetLedgerStore } from './fleet-ledger.store';
import { SchoolBackup } from './school-backup.service';
import { SchoolBackupStore } from './school-backup.store';
import { SchoolLifecycle } from './school-lifecycle.service';
import { SchoolProvisioning } from './school-provisioning.service';
import { SchoolRegistryStore } from './school-registry.store';
import { SchoolRestore } from './school-restore.service';
import { SchoolSchemaStore } from './school-schema.store';
import { TenantMigrator } from './tenant-migrator.service';
import { TENANT_MIGRATIONS } from './tenant-release';
import { UnverifiedSchools } from './unverified-schools.service';
import { UnverifiedSchoolsStore } from './unverified-schools.store';

/** What the apps and other libraries use; the stores stay inside. */
const exported = [
  FleetLedger,
  SchoolBackup,
  SchoolLifecycle,
  SchoolProvisioning,
  SchoolRestore,
  TenantMigrator,
  UnverifiedSchools,
];

const stores = [
  FleetLedgerStore,
  SchoolBackupStore,
  SchoolRegistryStore,
  SchoolSchemaStore,
  UnverifiedSchoolsStore,
];

/**
 * Fleet operations on the owner account: making schools, migrating them, their lifecycle.
 * Global like the kernel: registration provisions, the API migrates at start-up, the CLI does
 * the rest. Nothing here is on a request's path.
 */
@Global()
@Module({ providers: [...exported, ...stores], exports: exported })
export class FleetModule {
  /** The same module with another tenant migration list: for benchmarks and fleet tests only. */
  static withMigrations(migrations: ReadonlyArray<new () => TenantMigration>): DynamicModule {
    return {
      module: FleetModule,
      providers: [{ provide: TENANT_MIGRATIONS, useValue: migrations }],
    };
  }
}
