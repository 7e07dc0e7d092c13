import { type DynamicModule, Module } from '@nestjs/common';
import { AbsenceAlertsModule } from '@schoolyard/attendance';
import { AuditRetentionModule } from '@schoolyard/audit';
import { PaymentRechecksModule } from '@schoolyard/billing';
import { AnnouncementsPublishingModule, DeliveriesModule } from '@schoolyard/communication';
import { type AppConfig, ConfigModule } from '@schoolyard/config';
import { DatabaseModule, type DatabaseUrls } from '@schoolyard/database';
import { ReportCardBatchesModule } from '@schoolyard/exams';
import { FleetJobsModule, FleetModule } from '@schoolyard/fleet';
import { ImportJobsModule } from '@schoolyard/imports';
import { JobsModule } from '@schoolyard/jobs';
import { MailModule } from '@schoolyard/mail';
import { AccountCascadeModule } from '@schoolyard/people';
import { TenancyModule } from '@schoolyard/tenancy';
import { ClsModule } from 'nestjs-cls';

/**
 * What works jobs, without HTTP: the job runner and every library that registers a queue
 * (mail, the account cascade, payment rechecks, fleet sweeps, absence alerts, report card
 * batches, announcements, notification deliveries, audit retention, imports) on the kernel
 * they run on.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, urls: DatabaseUrls): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ClsModule.forRoot({ global: true }),
        DatabaseModule.forRoot(config, urls),
        JobsModule,
        MailModule,
        TenancyModule,
        FleetModule,
        FleetJobsModule,
        PaymentRechecksModule,
        AccountCascadeModule,
        AbsenceAlertsModule,
        ReportCardBatchesModule,
        AnnouncementsPublishingModule,
        DeliveriesModule,
        AuditRetentionModule,
        ImportJobsModule,
      ],
    };
  }
}
