import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, publicOrigin } from '@schoolyard/config';
import { PlatformDatabase, type School } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { paymentNotFound, planNotAvailable } from './billing.errors';
import { type CheckoutView, type InitPaymentDto, type PaymentView } from './dto/payments.dto';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider';
import { PAYMENT_COLUMNS, type PaymentRow, paymentView, toSettle } from './payment-rows';

/** The newest payments a school sees in its list. */
const LIST_LIMIT = 100;

/**
 * Starting payments and reading them back. Payments are platform data: the API's login role
 * works on public.payments outside the school's transaction, and every query names the school.
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly requests: PlatformDatabase,
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
    const schoolOrigin = publicOrigin(this.config, await this.primaryHostOf(school.id));
    const rows: PaymentRow[] = await this.requests.query(
      `INSERT INTO public.payments
           (organization_id, provider, transaction_uuid, plan_code, periods, amount_minor,
            tax_minor, currency, initiated_by)
       SELECT $1, $2, $3, p.code, $4::int, p.price_minor * $4::int, 0, p.currency, $5
         FROM public.plans p WHERE p.code = $6 AND p.active AND p.purchasable
       RETURNING ${PAYMENT_COLUMNS}`,
      [school.id, this.provider.name, randomUUID(), request.periods, userId, request.planCode],
    );
    if (rows.length === 0) throw planNotAvailable(request.planCode);
    const payment = rows[0];
    const checkout = this.provider.checkout(toSettle(payment), {
      // The provider appends its signed answer as ?data=...
      success: `${schoolOrigin}/api/payments/verify`,
      // No answer comes back on failure; the payment stays pending until a check says otherwise.
      failure: `${schoolOrigin}/?payment=${payment.id}&outcome=failed`,
    });
    return { payment: paymentView(payment), ...checkout };
  }

  private async primaryHostOf(schoolId: string): Promise<string> {
    const rows: Array<{ host: string }> = await this.requests.query(
      `SELECT host FROM public.domains WHERE organization_id = $1
        ORDER BY is_primary DESC, created_at LIMIT 1`,
      [schoolId],
    );
    return rows[0].host;
  }

  async list(schoolId: string): Promise<PaymentView[]> {
    const rows: PaymentRow[] = await this.requests.query(
      `SELECT ${PAYMENT_COLUMNS} FROM public.payments WHERE organization_id = $1
        ORDER BY created_at DESC LIMIT ${LIST_LIMIT}`,
      [schoolId],
    );
    return rows.map(paymentView);
  }

  async get(schoolId: string, id: string): Promise<PaymentView> {
    return paymentView(await this.row(schoolId, id));
  }

  /** One payment of this school; another school's id is as unknown as a made-up one. */
  async row(schoolId: string | null, id: string): Promise<PaymentRow> {
    const rows: PaymentRow[] = await this.requests.query(
      `SELECT ${PAYMENT_COLUMNS} FROM public.payments
        WHERE id = $1 AND ($2::uuid IS NULL OR organization_id = $2)`,
      [id, schoolId],
    );
    if (rows.length === 0) throw paymentNotFound();
    return rows[0];
  }
}
