import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { BillingModule, PaymentRechecksModule } from '@schoolyard/billing';
import { AcademicsModule } from '@schoolyard/academics';
import { AuditModule, AuditRetentionModule } from '@schoolyard/audit';
import { ExportsModule } from '@schoolyard/exports';
import { AttendanceModule } from '@schoolyard/attendance';
import { CalendarModule } from '@schoolyard/calendar';
import { ExamsModule } from '@schoolyard/exams';
import { FeesModule } from '@schoolyard/fees';
import { CommunicationModule } from '@schoolyard/communication';
import { ImportsModule } from '@schoolyard/imports';
import { CourseworkModule } from '@schoolyard/coursework';
import { ErrorFilter } from '@schoolyard/common';
import { type AppConfig, ConfigModule } from '@schoolyard/config';
import { DatabaseModule, type DatabaseUrls } from '@schoolyard/database';
import { FleetJobsModule, FleetModule } from '@schoolyard/fleet';
import { AuthenticationGuard, IdentityModule } from '@schoolyard/identity';
import { JobsModule } from '@schoolyard/jobs';
import { MailModule } from '@schoolyard/mail';
import { MetricsModule } from '@schoolyard/metrics';
import { OrganizationsModule } from '@schoolyard/organizations';
import { PeopleModule } from '@schoolyard/people';
import { RateLimitGuard, RateLimitsModule, SchoolAllowanceGuard } from '@schoolyard/rate-limits';
import { PermissionsGuard, RbacModule } from '@schoolyard/rbac';
import { SchoolScopeGuard, TenancyModule } from '@schoolyard/tenancy';
import { ClsModule } from 'nestjs-cls';
import { HealthController } from './health.controller';
import { HealthStore } from './health.store';
import { JobStatsStore } from './metrics/job-stats.store';
import { MetricsServer } from './metrics/metrics-server';
import { ScrapeSources } from './metrics/scrape-sources';

export interface AppModuleOptions {
  /** Extra controllers: the tests and benchmarks mount probes; production mounts none. */
  controllers?: Type[];
  providers?: Provider[];
}

@Module({})
export class AppModule {
  static forRoot(
    config: AppConfig,
    urls: DatabaseUrls,
    options: AppModuleOptions = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        // Entered by a Fastify hook in http-app.ts, not by Nest middleware: without any
        // middleware the adapter needs no middie layer on every request.
        ClsModule.forRoot({ global: true, middleware: { mount: false } }),
        DatabaseModule.forRoot(config, urls),
        JobsModule,
        MailModule,
        TenancyModule,
        FleetModule,
        // Background work; its workers run here unless JOBS_WORKER=false (see apps/worker).
        FleetJobsModule,
        PaymentRechecksModule,
        AuditRetentionModule,
        TerminusModule,
        IdentityModule,
        RbacModule,
        OrganizationsModule,
        PeopleModule,
        BillingModule,
        AcademicsModule,
        CourseworkModule,
        CalendarModule,
        AttendanceModule,
        ExamsModule,
        FeesModule,
        CommunicationModule,
        AuditModule,
        ImportsModule,
        ExportsModule,
        RateLimitsModule,
        MetricsModule,
      ],
      controllers: [HealthController, ...(options.controllers ?? [])],
      providers: [
        // Guards run in this order: the school is known, then whether this
        // client may send another request, then the caller, then whether the school's signed-in
        // or anonymous allowance has room, then what the caller may do here; then the school's
        // transaction opens (TenantTransactionBinding).
        { provide: APP_GUARD, useExisting: SchoolScopeGuard },
        { provide: APP_GUARD, useExisting: RateLimitGuard },
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useExisting: SchoolAllowanceGuard },
        { provide: APP_GUARD, useExisting: PermissionsGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        HealthStore,
        JobStatsStore,
        ScrapeSources,
        MetricsServer,
        ...(options.providers ?? []),
      ],
    };
  }
}
