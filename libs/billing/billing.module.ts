import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { BillingController } from './billing.controller';
import { EsewaProvider } from './esewa/esewa.provider';
import { PAYMENT_PROVIDER } from './payment-provider';
import { PaymentEvents } from './payment-events';
import { PaymentEventsRepository } from './payment-events.repository';
import { PaymentSettlement } from './payment-settlement.service';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';
import { PlanLimits } from './plan-limits';
import { SubscriptionsRepository } from './subscriptions.repository';
import { Subscriptions } from './subscriptions.service';

const services = [
  Subscriptions,
  PlanLimits,
  PaymentsService,
  PaymentSettlement,
  PaymentEvents,
  { provide: PAYMENT_PROVIDER, useClass: EsewaProvider },
];

const repositories = [SubscriptionsRepository, PaymentsRepository, PaymentEventsRepository];

/** The rules without the HTTP routes: for the CLI and for the libraries that check limits. */
@Module({ providers: [...services, ...repositories], exports: services })
export class BillingCoreModule {}

@Module({
  imports: [BillingCoreModule, IdentityModule],
  controllers: [BillingController, PaymentsController],
})
export class BillingModule {}
