import { Global, Module } from '@nestjs/common';
import { MetricsModule } from '@schoolyard/metrics';
import { PlatformDatabase } from './platform-database';
import { SchoolDirectory } from './school-directory.service';
import { SchoolDirectoryStore } from './school-directory.store';
import { SchoolScopeGuard } from './school-scope.guard';
import { TenantContext } from './tenant-context';
import { TenantTransactionBinding } from './tenant-transaction.binding';
import { TenantTransactions } from './tenant-transactions.service';

const providers = [
  PlatformDatabase,
  SchoolDirectory,
  SchoolScopeGuard,
  TenantContext,
  TenantTransactionBinding,
  TenantTransactions,
];

/** The request kernel: which school a request is for, and its one transaction. */
@Global()
@Module({
  imports: [MetricsModule],
  providers: [...providers, SchoolDirectoryStore],
  exports: providers,
})
export class TenancyModule {}
