// The request kernel's public face: what features, the apps and the fleet library use.
// Internals (the connection adoption, the session reset, the opening SQL) stay unexported;
// a test that needs one imports its file.
export { checkSubdomain, quoteIdentifier, roleNameFor, schemaNameFor } from './school-naming';
export { PlatformDatabase } from './platform-database';
export { type PlanRateLimits, type School } from './school';
export { SchoolDirectory } from './school-directory.service';
export { normalizeHost, SchoolScopeGuard } from './school-scope.guard';
export { TenancyModule } from './tenancy.module';
export { TenantContext } from './tenant-context';
export { TenantTransactionBinding } from './tenant-transaction.binding';
export { TenantTransactions } from './tenant-transactions.service';
