import { Global, Module } from '@nestjs/common';
import { SchoolDirectory } from './school-directory.service';
import { SchoolProvisioning } from './school-provisioning.service';
import { SchoolScopeGuard } from './school-scope.guard';
import { TenantContext } from './tenant-context';
import { TenantMigrator } from './tenant-migrator.service';
import { TenantTransactionInterceptor } from './tenant-transaction.interceptor';
import { TenantTransactions } from './tenant-transactions.service';

const providers = [
  SchoolDirectory,
  SchoolProvisioning,
  SchoolScopeGuard,
  TenantContext,
  TenantMigrator,
  TenantTransactionInterceptor,
  TenantTransactions,
];

@Global()
@Module({ providers, exports: providers })
export class TenancyModule {}
