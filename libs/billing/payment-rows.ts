import { minorUnitsOf, minorUnitsToNumber } from './money';
import { type PaymentToSettle } from './payment-provider';
import { type PaymentView } from './dto/payments.dto';

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

export const PAYMENT_COLUMNS = `id, organization_id, provider, transaction_uuid, plan_code, periods,
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
