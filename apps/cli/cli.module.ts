import { type DynamicModule, Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { ConfigModule } from '@schoolyard/config';
import { DatabaseModule } from '@schoolyard/database';
import { IdentityModule } from '@schoolyard/identity';
import { OrganizationsModule } from '@schoolyard/organizations';
import { SOFT_LINK_AUDIT_PROVIDERS } from '@schoolyard/people';
import { TenancyModule } from '@schoolyard/tenancy';
import { ClsModule } from 'nestjs-cls';
import { type CliSetup } from './cli';
import { CLI_OWNER_POOL_SIZE } from './cli-limits';
import { CliOutput } from './cli-output';
import { AuditCommand, AuditOrphansCommand, AuditUnlinkedCommand } from './commands/audit.command';
import {
  APPLIED_PUBLIC_MIGRATIONS,
  DbCommand,
  DbMigrateCommand,
  DbSeedAdminCommand,
} from './commands/db.command';
import { PaymentsCommand, PaymentsRecheckCommand } from './commands/payments.command';
import { SeedCommand, SeedTestDataCommand } from './commands/seed.command';
import { TENANTS_SUBCOMMANDS, TenantsCommand } from './commands/tenants.command';
import { SeedCourseworkRepository } from './seed/seed-coursework.repository';
import { SeedPeopleRepository } from './seed/seed-people.repository';
import { TestDataRepository } from './seed/test-data.repository';
import { TestDataSeeder } from './seed/test-data.seeder';

@Module({})
export class CliModule {
  static forRoot(setup: CliSetup & { output: CliOutput }): DynamicModule {
    const { config, urls } = setup;
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        ClsModule.forRoot({ global: true }),
        DatabaseModule.forRoot(config, urls, {
          ownerPoolSize: CLI_OWNER_POOL_SIZE,
        }),
        setup.tenantMigrations
          ? TenancyModule.withMigrations(setup.tenantMigrations)
          : TenancyModule,
        IdentityModule,
        OrganizationsModule,
        BillingCoreModule,
      ],
      providers: [
        { provide: APPLIED_PUBLIC_MIGRATIONS, useValue: setup.appliedPublic },
        { provide: CliOutput, useValue: setup.output },
        DbCommand,
        DbMigrateCommand,
        DbSeedAdminCommand,
        TenantsCommand,
        ...TENANTS_SUBCOMMANDS,
        ...SOFT_LINK_AUDIT_PROVIDERS,
        AuditCommand,
        AuditOrphansCommand,
        AuditUnlinkedCommand,
        PaymentsCommand,
        PaymentsRecheckCommand,
        TestDataSeeder,
        TestDataRepository,
        SeedPeopleRepository,
        SeedCourseworkRepository,
        SeedCommand,
        SeedTestDataCommand,
      ],
    };
  }
}
