import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { BillingController } from './billing.controller';
import { EsewaProvider } from './esewa/esewa.provider';
import { PAYMENT_PROVIDER } from './payment-provider';
import { PaymentEvents } from './payment-events';
import { PaymentSettlement } from './payment-settlement.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { PlanLimits } from './plan-limits';
import { Subscriptions } from './subscriptions.service';

const services = [
  Subscriptions,
  PlanLimits,
  PaymentsService,
  PaymentSettlement,
  PaymentEvents,
  { provide: PAYMENT_PROVIDER, useClass: EsewaProvider },
];

/** The rules without the HTTP routes: for the CLI and for the libraries that check limits. */
@Module({ providers: services, exports: services })
export class BillingCoreModule {}

@Module({
  imports: [BillingCoreModule, IdentityModule],
  controllers: [BillingController, PaymentsController],
})
export class BillingModule {}
