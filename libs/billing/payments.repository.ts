import { Injectable } from '@nestjs/common';
import { selectRows } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { type PaymentView } from './dto/payments.dto';
import { minorUnitsOf, minorUnitsToNumber } from './money';
import { type PaymentToSettle, type ProviderStatus } from './payment-provider';

export type PaymentStatus = 'pending' | 'complete' | 'failed' | 'refunded';

/** A row of public.payments as the queries below select it. */
export interface PaymentRow {
  id: string;
  organization_id: string;
  provider: string;
  transaction_uuid: string;
  plan_code: string;
  periods: number;
  amount_minor: string;
  tax_minor: string;
  total_minor: string;
  currency: string;
  status: PaymentStatus;
  provider_status: string | null;
  provider_ref: string | null;
  period_start: Date | null;
  period_end: Date | null;
  created_at: Date;
  checked_at: Date | null;
  completed_at: Date | null;
}

const PAYMENT_COLUMNS = `id, organization_id, provider, transaction_uuid, plan_code, periods,
  amount_minor, tax_minor, total_minor, currency, status, provider_status, provider_ref,
  period_start, period_end, created_at, checked_at, completed_at`;

/** Settled for good: no callback or check changes it again. */
export const isFinal = (row: PaymentRow) => row.status === 'complete' || row.status === 'refunded';

export function toSettle(row: PaymentRow): PaymentToSettle {
  return {
    transactionUuid: row.transaction_uuid,
    amountMinor: minorUnitsOf(row.amount_minor),
    taxMinor: minorUnitsOf(row.tax_minor),
    totalMinor: minorUnitsOf(row.total_minor),
  };
}

export function paymentView(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    provider: row.provider,
    transactionUuid: row.transaction_uuid,
    planCode: row.plan_code,
    periods: row.periods,
    amountMinor: minorUnitsToNumber(minorUnitsOf(row.amount_minor)),
    taxMinor: minorUnitsToNumber(minorUnitsOf(row.tax_minor)),
    totalMinor: minorUnitsToNumber(minorUnitsOf(row.total_minor)),
    currency: row.currency,
    status: row.status,
    providerStatus: row.provider_status,
    providerReference: row.provider_ref,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    createdAt: row.created_at,
    checkedAt: row.checked_at,
    completedAt: row.completed_at,
  };
}

/** The newest payments a school sees in its list. */
const LIST_LIMIT = 100;

const SELECT_PAYMENTS = `SELECT ${PAYMENT_COLUMNS} FROM public.payments`;

/**
 * public.payments. Payments are platform data: the API's login role works on them outside the
 * school's transaction, and every query a school's request makes names the school. A method
 * without a manager is one statement of its own (its COMMIT rides with it); one with a manager
 * runs in the caller's platform transaction.
 */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  /**
   * A pending payment for a purchasable plan, the amount worked out by PostgreSQL on integers
   * (the plan's price times the periods); undefined when no such plan is for sale.
   */
  async insertPayment(payment: {
    schoolId: string;
    provider: string;
    transactionUuid: string;
    planCode: string;
    periods: number;
    initiatedBy: string;
  }): Promise<PaymentRow | undefined> {
    const [row] = await this.platform.query<PaymentRow[]>(
      `INSERT INTO public.payments
           (organization_id, provider, transaction_uuid, plan_code, periods, amount_minor,
            tax_minor, currency, initiated_by)
       SELECT $1, $2, $3, p.code, $4::int, p.price_minor * $4::int, 0, p.currency, $5
         FROM public.plans p WHERE p.code = $6 AND p.active AND p.purchasable
       RETURNING ${PAYMENT_COLUMNS}`,
      [
        payment.schoolId,
        payment.provider,
        payment.transactionUuid,
        payment.periods,
        payment.initiatedBy,
        payment.planCode,
      ],
    );
    return row;
  }

  /** The school's registered address that its browsers come back to. */
  async primaryHostOf(schoolId: string): Promise<string> {
    const [row] = await this.platform.query<Array<{ host: string }>>(
      `SELECT host FROM public.domains WHERE organization_id = $1
        ORDER BY is_primary DESC, created_at LIMIT 1`,
      [schoolId],
    );
    return row.host;
  }

  newestOf(schoolId: string): Promise<PaymentRow[]> {
    return this.platform.query<PaymentRow[]>(
      `${SELECT_PAYMENTS} WHERE organization_id = $1
        ORDER BY created_at DESC LIMIT ${LIST_LIMIT}`,
      [schoolId],
    );
  }

  /** A payment of this school (of any school for a null id, the maintainer's). */
  async findPayment(id: string, schoolId: string | null): Promise<PaymentRow | undefined> {
    const [row] = await this.platform.query<PaymentRow[]>(
      `${SELECT_PAYMENTS} WHERE id = $1 AND ($2::uuid IS NULL OR organization_id = $2)`,
      [id, schoolId],
    );
    return row;
  }

  async findByTransaction(
    transactionUuid: string,
    provider: string,
  ): Promise<PaymentRow | undefined> {
    const [row] = await this.platform.query<PaymentRow[]>(
      `${SELECT_PAYMENTS} WHERE transaction_uuid = $1 AND provider = $2`,
      [transactionUuid, provider],
    );
    return row;
  }

  /** Pending payments made at least `olderThanMinutes` ago, with their school's slug, oldest first. */
  pendingPayments(olderThanMinutes = 0): Promise<Array<{ id: string; slug: string }>> {
    return this.platform.query<Array<{ id: string; slug: string }>>(
      `SELECT p.id, o.slug FROM public.payments p
         JOIN public.organizations o ON o.id = p.organization_id
        WHERE p.status = 'pending' AND p.created_at <= now() - make_interval(mins => $1)
        ORDER BY p.created_at`,
      [olderThanMinutes],
    );
  }

  /** Locked, so a replay racing this settlement waits and then finds it done. */
  async lockPayment(manager: EntityManager, id: string): Promise<PaymentRow> {
    const [row] = await selectRows<PaymentRow>(
      manager,
      `${SELECT_PAYMENTS} WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return row;
  }

  /** The provider's word short of COMPLETE: 'pending' keeps the status, the check is stamped. */
  async recordCheck(
    manager: EntityManager,
    id: string,
    status: ProviderStatus,
  ): Promise<PaymentRow> {
    const [row] = await selectRows<PaymentRow>(
      manager,
      `UPDATE public.payments
          SET status = CASE WHEN $2 = 'pending' THEN status ELSE $2 END,
              provider_status = $3, provider_ref = coalesce($4, provider_ref),
              checked_at = now(), updated_at = now()
        WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
      [id, status.outcome, status.providerStatus, status.reference],
    );
    return row;
  }

  async complete(
    manager: EntityManager,
    id: string,
    status: Pick<ProviderStatus, 'providerStatus' | 'reference'>,
    period: { starts: string; ends: string },
  ): Promise<PaymentRow> {
    const [row] = await selectRows<PaymentRow>(
      manager,
      `UPDATE public.payments
          SET status = 'complete', provider_status = $2, provider_ref = coalesce($3, provider_ref),
              period_start = $4::timestamptz, period_end = $5::timestamptz,
              checked_at = now(), completed_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('pending', 'failed') RETURNING ${PAYMENT_COLUMNS}`,
      [id, status.providerStatus, status.reference, period.starts, period.ends],
    );
    return row;
  }
}
