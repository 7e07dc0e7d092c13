import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type TenantMigration } from '@schoolyard/migrations/tenant';
import { PlatformDatabase } from './platform-database';
import { SchoolDirectory } from './school-directory.service';
import { SchoolLifecycle } from './school-lifecycle.service';
import { SchoolProvisioning } from './school-provisioning.service';
import { SchoolScopeGuard } from './school-scope.guard';
import { TenantContext } from './tenant-context';
import { FleetLedger } from './fleet-ledger.service';
import { TenantMigrator } from './tenant-migrator.service';
import { TENANT_MIGRATIONS } from './tenant-release';
import { TenantTransactionBinding } from './tenant-transaction.binding';
import { TenantTransactions } from './tenant-transactions.service';
import { UnverifiedSchools } from './unverified-schools.service';
import { UnverifiedSchoolsSweep } from './unverified-schools.sweep';

const providers = [
  FleetLedger,
  PlatformDatabase,
  SchoolDirectory,
  SchoolLifecycle,
  SchoolProvisioning,
  SchoolScopeGuard,
  TenantContext,
  TenantMigrator,
  TenantTransactionBinding,
  TenantTransactions,
  UnverifiedSchools,
  UnverifiedSchoolsSweep,
];

@Global()
@Module({ providers, exports: providers })
export class TenancyModule {
  /** The same module with another tenant migration list: for benchmarks and fleet tests only. */
  static withMigrations(migrations: ReadonlyArray<new () => TenantMigration>): DynamicModule {
    return {
      module: TenancyModule,
      providers: [{ provide: TENANT_MIGRATIONS, useValue: migrations }],
    };
  }
}
