import { type DynamicModule, Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { type AppConfig, ConfigModule } from '@schoolyard/config';
import { DatabaseModule, type DatabaseUrls } from '@schoolyard/database';
import { SoftLinkAudit } from '@schoolyard/people';
import { TenancyModule } from '@schoolyard/tenancy';
import { ClsModule } from 'nestjs-cls';
import { TENANT_ENTITIES } from '../api/tenant-entities';
import { AuditCommand, AuditOrphansCommand, AuditUnlinkedCommand } from './commands/audit.command';
import { DbCommand, DbMigrateCommand } from './commands/db.command';
import { PaymentsCommand, PaymentsRecheckCommand } from './commands/payments.command';
import { TenantsCommand, TenantsMigrateCommand } from './commands/tenants.command';

@Module({})
export class CliModule {
  static forRoot(config: AppConfig, urls: DatabaseUrls, appliedPublic: string[]): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        ClsModule.forRoot({ global: true }),
        DatabaseModule.forRoot(config, urls, TENANT_ENTITIES),
        TenancyModule,
        BillingCoreModule,
      ],
      providers: [
        { provide: 'APPLIED_PUBLIC_MIGRATIONS', useValue: appliedPublic },
        DbCommand,
        DbMigrateCommand,
        TenantsCommand,
        TenantsMigrateCommand,
        SoftLinkAudit,
        AuditCommand,
        AuditOrphansCommand,
        AuditUnlinkedCommand,
        PaymentsCommand,
        PaymentsRecheckCommand,
      ],
    };
  }
}
