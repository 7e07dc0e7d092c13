import { Injectable } from '@nestjs/common';
import { execute } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

export interface PaymentEventRow {
  organization_id: string | null;
  payment_id: string | null;
  /** Soft link to a school's fee_online_payments row. */
  fee_payment_id: string | null;
  transaction_uuid: string | null;
  kind: string;
  reason: string | null;
  detail: Record<string, unknown>;
}

const INSERT_EVENT = `INSERT INTO public.payment_events
           (organization_id, payment_id, transaction_uuid, kind, reason, detail, fee_payment_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`;

/** The journal public.payment_events. */
@Injectable()
export class PaymentEventsRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  /** On its own (one statement, committed with it), or inside `manager`'s transaction. */
  async insertEvent(event: PaymentEventRow, manager?: EntityManager): Promise<void> {
    const parameters = [
      event.organization_id,
      event.payment_id,
      event.transaction_uuid,
      event.kind,
      event.reason,
      JSON.stringify(event.detail),
      event.fee_payment_id,
    ];
    if (manager) await execute(manager, INSERT_EVENT, parameters);
    else await this.platform.query(INSERT_EVENT, parameters);
  }
}
