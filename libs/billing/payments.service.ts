import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, publicOrigin } from '@schoolyard/config';
import { type School } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { paymentNotFound, planNotAvailable } from './billing.errors';
import { type CheckoutView, type InitPaymentDto, type PaymentView } from './dto/payments.dto';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { type PaymentRow, PaymentsRepository, paymentView, toSettle } from './payments.repository';

/**
 * Starting payments and reading them back. Payments are platform data: the API's login role
 * works on public.payments outside the school's transaction, and every query names the school.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly repository: PaymentsRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A pending payment with a transaction id of its own, and the signed form that takes the
   * browser to the provider. The amount is the plan's price times the periods, worked out by
   * PostgreSQL on integers.
   */
  async init(school: School, userId: string, request: InitPaymentDto): Promise<CheckoutView> {
    // The browser comes back to the school's own registered address, whatever Host the
    // request that started the payment carried (`oxford.<domain>:4100@evil.example` once
    // made a return address on evil.example).
    const schoolOrigin = publicOrigin(this.config, await this.repository.primaryHostOf(school.id));
    const payment = await this.repository.insertPayment({
      schoolId: school.id,
      provider: this.provider.name,
      transactionUuid: randomUUID(),
      planCode: request.planCode,
      periods: request.periods,
      initiatedBy: userId,
    });
    if (!payment) throw planNotAvailable(request.planCode);
    const checkout = this.provider.checkout(toSettle(payment), {
      // The provider appends its signed answer as ?data=...
      success: `${schoolOrigin}/api/payments/verify`,
      // No answer comes back on failure; the payment stays pending until a check says otherwise.
      failure: `${schoolOrigin}/?payment=${payment.id}&outcome=failed`,
    });
    return { payment: paymentView(payment), ...checkout };
  }

  async list(schoolId: string): Promise<PaymentView[]> {
    return (await this.repository.newestOf(schoolId)).map(paymentView);
  }

  async get(schoolId: string, id: string): Promise<PaymentView> {
    return paymentView(await this.row(schoolId, id));
  }

  /** One payment of this school; another school's id is as unknown as a made-up one. */
  async row(schoolId: string | null, id: string): Promise<PaymentRow> {
    const payment = await this.repository.findPayment(id, schoolId);
    if (!payment) throw paymentNotFound();
    return payment;
  }
}
