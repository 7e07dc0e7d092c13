import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { PaymentEventsRepository } from './payment-events.repository';

export type PaymentEventKind =
  'callback_refused' | 'provider_unavailable' | 'provider_status' | 'completed';

export interface PaymentEvent {
  kind: PaymentEventKind;
  /** The school whose address the event came through; null from the CLI. */
  schoolId: string | null;
  paymentId: string | null;
  /** A school's own fee payment (fee_online_payments, in the school's schema), instead. */
  feePaymentId?: string | null;
  transactionUuid: string | null;
  reason: string | null;
  detail?: Record<string, unknown>;
}

/** Keeps a junk callback from filling the journal with whatever it carried. */
const MAX_DETAIL_TEXT = 1024;

/** The journal of public.payment_events: what was refused and why, every check, every credit. */
@Injectable()
export class PaymentEvents {
  constructor(private readonly journal: PaymentEventsRepository) {}

  /** On its own (a refusal is kept although the request fails), or inside `manager`'s transaction. */
  async record(event: PaymentEvent, manager?: EntityManager): Promise<void> {
    const detail = Object.fromEntries(
      Object.entries(event.detail ?? {}).map(([key, value]) => [
        key,
        typeof value === 'string' ? value.slice(0, MAX_DETAIL_TEXT) : value,
      ]),
    );
    await this.journal.insertEvent(
      {
        organization_id: event.schoolId,
        payment_id: event.paymentId,
        fee_payment_id: event.feePaymentId ?? null,
        transaction_uuid: event.transactionUuid?.slice(0, 200) ?? null,
        kind: event.kind,
        reason: event.reason,
        detail,
      },
      manager,
    );
  }
}
