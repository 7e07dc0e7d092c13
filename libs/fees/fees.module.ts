import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { FeeConcessionsController } from './concessions.controller';
import { ConcessionsRepository } from './concessions.repository';
import { ConcessionsService } from './concessions.service';
import { FeeHeadsController } from './fee-heads.controller';
import { FeeHeadsRepository } from './fee-heads.repository';
import { LateFineRulesController } from './late-fine-rules.controller';
import { LateFineRulesRepository } from './late-fine-rules.repository';
import { LateFineRulesService } from './late-fine-rules.service';
import { FeeReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { FeeStructuresController } from './structures.controller';
import { StructuresRepository } from './structures.repository';
import { StructuresService } from './structures.service';

/**
 * School fees (docs/FEES.md): setup (heads, structures, concessions, late fines, the school's
 * eSewa merchant), invoices, payments and receipts, credit and refunds, online payment by
 * guardians, and the reports. The services take the caller as an argument, so a command or a
 * job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [
    // Setup (part A).
    FeeHeadsController,
    FeeStructuresController,
    FeeConcessionsController,
    LateFineRulesController,
    // Reports (part A): their .csv routes come before their :id routes.
    FeeReportsController,
  ],
  providers: [
    FeeHeadsRepository,
    StructuresService,
    StructuresRepository,
    ConcessionsService,
    ConcessionsRepository,
    LateFineRulesService,
    LateFineRulesRepository,
    ReportsService,
    ReportsRepository,
  ],
  exports: [],
})
export class FeesModule {}
