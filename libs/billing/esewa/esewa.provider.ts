import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  type Checkout,
  type PaymentProvider,
  type PaymentToSettle,
  type ProviderStatus,
  type ReturnAddresses,
  type VerifiedCallback,
} from '../payment-provider';
import { EsewaEpay } from './esewa-epay';

/** The platform's own eSewa merchant (from the configuration), charging schools for plans. */
@Injectable()
export class EsewaProvider implements PaymentProvider {
  readonly name = 'esewa';
  private readonly epay: EsewaEpay;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // The settings carry both the merchant and eSewa's addresses.
    this.epay = new EsewaEpay(config.billing.esewa, config.billing.esewa);
  }

  checkout(payment: PaymentToSettle, addresses: ReturnAddresses): Checkout {
    return this.epay.checkout(payment, addresses);
  }

  readCallback(data: string): VerifiedCallback {
    return this.epay.readCallback(data);
  }

  statusOf(payment: PaymentToSettle): Promise<ProviderStatus> {
    return this.epay.statusOf(payment);
  }
}
