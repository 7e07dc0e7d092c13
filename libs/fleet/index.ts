// Fleet operations: provisioning, tenant migration and its ledger, a school's lifecycle.
export { FleetLedger, type FleetStatus, type SchoolToMigrate } from './fleet-ledger.service';
export { FleetModule } from './fleet.module';
export { BACKUP_KEY_PURPOSE } from './backup-archive';
export { type BackupSummary, SchoolBackup } from './school-backup.service';
export { type RestoreSummary, SchoolRestore } from './school-restore.service';
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
