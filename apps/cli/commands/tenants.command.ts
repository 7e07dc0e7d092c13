import { Command } from 'nest-commander';
import { CommandGroup } from './command-group';
import { TenantsBackupCommand, TenantsRestoreCommand } from './tenants-backup.command';
import {
  TenantsArchiveCommand,
  TenantsCreateCommand,
  TenantsDropCommand,
  TenantsListCommand,
  TenantsResumeCommand,
  TenantsSuspendCommand,
} from './tenants-lifecycle.command';
import { TenantsSuspendUnverifiedCommand } from './tenants-unverified.command';
import { TenantsMigrateCommand, TenantsStatusCommand } from './tenants-migrate.command';

export const TENANTS_SUBCOMMANDS = [
  TenantsMigrateCommand,
  TenantsStatusCommand,
  TenantsCreateCommand,
  TenantsListCommand,
  TenantsSuspendCommand,
  TenantsSuspendUnverifiedCommand,
  TenantsResumeCommand,
  TenantsArchiveCommand,
  TenantsDropCommand,
  TenantsBackupCommand,
  TenantsRestoreCommand,
];

@Command({
  name: 'tenants',
  description: 'The fleet of schools: migrations, lifecycle, backup and restore',
  subCommands: TENANTS_SUBCOMMANDS,
})
export class TenantsCommand extends CommandGroup {}
