import { Module } from '@nestjs/common';
import { BillingCoreModule } from '@schoolyard/billing';
import { IdentityModule } from '@schoolyard/identity';
import { ChildFeesController, MyFeesController } from './family-fees.controller';
import { FamilyFeesRepository } from './family-fees.repository';
import { FeeMerchantSettingsController } from './merchant-settings.controller';
import { MerchantSettingsRepository } from './merchant-settings.repository';
import { MerchantSettingsService } from './merchant-settings.service';
import { FeeOnlinePaymentsController } from './online-payments.controller';
import { OnlinePaymentsRepository } from './online-payments.repository';
import { OnlinePaymentsService } from './online-payments.service';
import { InvoiceGenerationRepository } from './invoice-generation.repository';
import { InvoiceGenerationService } from './invoice-generation.service';
import { InvoicesController } from './invoices.controller';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';
import { LateFinesController } from './late-fines.controller';
import { LateFinesRepository } from './late-fines.repository';
import { LateFinesService } from './late-fines.service';
import { FeeCounterPaymentsController } from './counter-payments.controller';
import { CounterPaymentsRepository } from './counter-payments.repository';
import { CounterPaymentsService } from './counter-payments.service';
import { FeeCreditNotesController } from './credit-notes.controller';
import { CreditNotesRepository } from './credit-notes.repository';
import { CreditNotesService } from './credit-notes.service';
import { FeeReceiptsController } from './receipts.controller';
import { ReceiptsRepository } from './receipts.repository';
import { ReceiptsService } from './receipts.service';
import { FeeRefundsController } from './refunds.controller';
import { RefundsRepository } from './refunds.repository';
import { RefundsService } from './refunds.service';
import { FeeStudentAccountsController } from './student-accounts.controller';
import { StudentAccountsRepository } from './student-accounts.repository';
import { StudentAccountsService } from './student-accounts.service';
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

/** Families paying online through the school's own eSewa merchant, and their views. */
const onlinePart = {
  // Fixed words before parameterised routes under api/fees.
  controllers: [
    MyFeesController,
    FeeMerchantSettingsController,
    FeeOnlinePaymentsController,
    ChildFeesController,
  ],
  providers: [
    MerchantSettingsRepository,
    MerchantSettingsService,
    OnlinePaymentsRepository,
    OnlinePaymentsService,
    FamilyFeesRepository,
  ],
};

/** Fee heads, structures, concessions and late fine rules; the reports. */
const setupPart = {
  controllers: [
    FeeHeadsController,
    FeeStructuresController,
    FeeConcessionsController,
    LateFineRulesController,
    // Their .csv routes come before their :id routes.
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
};

/** Invoices: generated, listed, issued and voided; late fines added to them. */
const invoicesPart = {
  controllers: [InvoicesController, LateFinesController],
  providers: [
    InvoicesRepository,
    InvoicesService,
    InvoiceGenerationRepository,
    InvoiceGenerationService,
    LateFinesRepository,
    LateFinesService,
  ],
};

/** Payments at the counter, receipts, credit notes, refunds and students' accounts. */
const paymentsPart = {
  controllers: [
    FeeCounterPaymentsController,
    FeeReceiptsController,
    FeeCreditNotesController,
    FeeRefundsController,
    FeeStudentAccountsController,
  ],
  providers: [
    CounterPaymentsService,
    CounterPaymentsRepository,
    ReceiptsService,
    ReceiptsRepository,
    CreditNotesService,
    CreditNotesRepository,
    RefundsService,
    RefundsRepository,
    StudentAccountsService,
    StudentAccountsRepository,
  ],
};

/**
 * School fees (docs/FEES.md): setup (heads, structures, concessions, late fines, the school's
 * eSewa merchant), invoices, payments and receipts, credit and refunds, online payment by
 * guardians, and the reports. The services take the caller as an argument, so a command or a
 * job can use them in a transaction of its own.
 */
@Module({
  // BillingCoreModule: eSewa and the payment journal (public.payment_events).
  imports: [IdentityModule, BillingCoreModule],
  controllers: [
    ...onlinePart.controllers,
    ...setupPart.controllers,
    ...invoicesPart.controllers,
    ...paymentsPart.controllers,
  ],
  providers: [
    ...onlinePart.providers,
    ...setupPart.providers,
    ...invoicesPart.providers,
    ...paymentsPart.providers,
  ],
  exports: [
    InvoicesService,
    ReceiptsService,
    ReportsService,
    MerchantSettingsService,
    OnlinePaymentsService,
  ],
})
export class FeesModule {}
