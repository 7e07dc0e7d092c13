import { Injectable } from '@nestjs/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

export type PaymentEventKind =
  'callback_refused' | 'provider_unavailable' | 'provider_status' | 'completed';

export interface PaymentEvent {
  kind: PaymentEventKind;
  /** The school whose address the event came through; null from the CLI. */
  schoolId: string | null;
  paymentId: string | null;
  transactionUuid: string | null;
  reason: string | null;
  detail?: Record<string, unknown>;
}

/** Keeps a junk callback from filling the journal with whatever it carried. */
const MAX_DETAIL_TEXT = 1024;

/** The journal of public.payment_events: what was refused and why, every check, every credit. */
@Injectable()
export class PaymentEvents {
  constructor(private readonly requests: PlatformDatabase) {}

  /** On its own (a refusal is kept although the request fails), or inside `manager`'s transaction. */
  async record(event: PaymentEvent, manager?: EntityManager): Promise<void> {
    const detail = Object.fromEntries(
      Object.entries(event.detail ?? {}).map(([key, value]) => [
        key,
        typeof value === 'string' ? value.slice(0, MAX_DETAIL_TEXT) : value,
      ]),
    );
    await (manager ?? this.requests).query(
      `INSERT INTO public.payment_events
           (organization_id, payment_id, transaction_uuid, kind, reason, detail)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        event.schoolId,
        event.paymentId,
        event.transactionUuid?.slice(0, 200) ?? null,
        event.kind,
        event.reason,
        JSON.stringify(detail),
      ],
    );
  }
}
