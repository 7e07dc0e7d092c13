import { Injectable } from '@nestjs/common';
import { type ScopedCaller } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { type ReceiptView, type TakePaymentDto } from './dto/payments.dto';
import { CounterPaymentsRepository } from './counter-payments.repository';
import { applyPayment } from './payments-ledger';
import { receivedInTheFuture } from './payments.errors';
import { ReceiptsService } from './receipts.service';

/**
 * Money taken at the school's counter against one invoice. The ledger's `applyPayment` does
 * the work (invoice locked, balance first, the rest to credit, gapless receipt number); this
 * adds what only the counter knows: who took it and the day it came in.
 */
@Injectable()
export class CounterPaymentsService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly counter: CounterPaymentsRepository,
    private readonly receipts: ReceiptsService,
  ) {}

  async take(
    caller: ScopedCaller,
    invoiceId: string,
    payment: TakePaymentDto,
  ): Promise<ReceiptView> {
    const { profileId, today } = await this.counter.cashier(caller.userId);
    // ISO dates compare as text; a later day would date money the school has not seen yet.
    if (payment.receivedOn && payment.receivedOn > today) throw receivedInTheFuture(today);
    const applied = await applyPayment(this.tenant.manager, {
      invoiceId,
      method: payment.method,
      amountMinor: BigInt(payment.amountMinor),
      reference: payment.reference ?? null,
      receivedBy: profileId,
      receivedOn: payment.receivedOn ?? null,
      refuseWhen: ['draft', 'void'],
    });
    return this.receipts.one(applied.receiptId);
  }
}
