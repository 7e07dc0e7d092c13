// Fleet operations: provisioning, tenant migration and its ledger, a school's lifecycle.
export { FleetLedger, type FleetStatus, type SchoolToMigrate } from './fleet-ledger.service';
export { FleetModule } from './fleet.module';
export { SchoolLifecycle, type StatusChange } from './school-lifecycle.service';
export {
  SchoolProvisioning,
  subdomainRefused,
  subdomainTaken,
} from './school-provisioning.service';
export {
  DEFAULT_MIGRATION_CONCURRENCY,
  type FleetSummary,
  TenantMigrator,
} from './tenant-migrator.service';
export { UnverifiedSchools } from './unverified-schools.service';
export {
  FleetJobsModule,
  UnverifiedSchoolsSweep,
  unverifiedSweepQueue,
} from './unverified-schools.sweep';
