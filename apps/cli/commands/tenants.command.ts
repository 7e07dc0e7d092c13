import { Command } from 'nest-commander';
import { CommandGroup } from './command-group';
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
];

@Command({
  name: 'tenants',
  description: 'The fleet of schools: migrations and lifecycle',
  subCommands: TENANTS_SUBCOMMANDS,
})
export class TenantsCommand extends CommandGroup {}
