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
    // Fixed words before parameterised routes under api/fees.
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
  exports: [MerchantSettingsService, OnlinePaymentsService],
})
export class FeesModule {}
