import { Inject, Injectable } from '@nestjs/common';
import {
  CallbackRefused,
  callbackRefused,
  decodeCallback,
  type EsewaEpay,
  minorUnitsOf,
  minorUnitsToNumber,
  PaymentEvents,
  type PaymentToSettle,
  ProviderUnavailable,
  type ProviderStatus,
} from '@schoolyard/billing';
import { APP_CONFIG, type AppConfig, publicOrigin } from '@schoolyard/config';
import { type ScopedCaller } from '@schoolyard/rbac';
import { type School, TenantTransactions } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { type OnlineCheckoutView, type OnlinePaymentView } from './dto/online.dto';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { MerchantSettingsService } from './merchant-settings.service';
import { feeProviderUnavailable, nothingToPay, onlinePaymentCurrency } from './online.errors';
import {
  type OnlinePaymentRecord,
  type OnlinePaymentRow,
  OnlinePaymentsRepository,
} from './online-payments.repository';
import { applyPayment } from './payments-ledger';

/** Statuses an invoice is paid online from (overdue is a shown status of these two). */
const PAYABLE = ['issued', 'partly_paid'] as const;

/** eSewa charges rupees: an amount in another currency would be charged as that many rupees. */
const ESEWA_CURRENCY = 'NPR';

/**
 * A family pays an invoice through the school's own eSewa merchant. The callback is only a
 * prompt: authentic for this school's merchant, for a payment of this school, for its amount;
 * then eSewa's status API is asked with no transaction open, and only COMPLETE settles the
 * payment and writes the receipt, together, once. Every refusal, check and completion is
 * journalled in public.payment_events (outside the school's transaction, so a refusal stays).
 */
@Injectable()
export class OnlinePaymentsService {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly payments: OnlinePaymentsRepository,
    private readonly merchants: MerchantSettingsService,
    private readonly events: PaymentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A pending payment of the invoice's balance now, and the form signed for the school's merchant. */
  async start(
    school: School,
    caller: ScopedCaller,
    studentId: string,
    invoiceId: string,
  ): Promise<OnlineCheckoutView> {
    const origin = publicOrigin(this.config, await this.payments.primaryHostOf(school.id));
    return this.transactions.run(school, async (manager) => {
      const found = await this.payments.payableInvoice(
        manager,
        caller.userId,
        studentId,
        invoiceId,
      );
      if (!found) throw feeThingNotFound('student')();
      if (!found.invoice_id || !found.status || found.status === 'draft') {
        throw feeThingNotFound('invoice')();
      }
      const merchant = found.merchant_code
        ? {
            merchant_code: found.merchant_code,
            secret_sealed: found.secret_sealed!,
            updated_at: found.updated_at!,
          }
        : undefined;
      const epay = this.merchants.requireEpay(school.id, merchant);
      if (!(PAYABLE as readonly string[]).includes(found.status)) {
        throw invoiceStatusRefused(found.status, PAYABLE);
      }
      if (found.currency !== ESEWA_CURRENCY) throw onlinePaymentCurrency(found.currency!);
      const amount = minorUnitsOf(found.balance_minor!);
      if (amount <= 0n) throw nothingToPay();
      const transactionUuid = randomUUID();
      const id = await this.payments.insert(manager, {
        invoiceId,
        studentId,
        transactionUuid,
        amountMinor: amount.toString(),
        initiatedBy: found.guardian_id,
        merchantCode: found.merchant_code!,
      });
      const checkout = epay.checkout(toSettle(transactionUuid, amount), {
        // eSewa appends its signed answer as ?data=...
        success: `${origin}/api/fees/esewa/verify`,
        // Nothing signed comes back on failure: the payment stays pending until checked.
        failure: `${origin}/?feePayment=${id}&outcome=failed`,
      });
      const record = await this.payments.record(manager, id);
      return { payment: view(record!), ...checkout };
    });
  }

  /** eSewa's success_url at `school`'s address, carrying its signed answer. */
  async verify(school: School, data: string): Promise<OnlinePaymentView> {
    let claimed: string | null;
    try {
      claimed = decodeCallback(data).transaction_uuid ?? null;
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw await this.refuse(school, null, error, data);
    }
    const { merchant, payment } = await this.transactions.run(school, (manager) =>
      this.payments.merchantAndPayment(manager, { transactionUuid: claimed }),
    );
    const epay = this.merchants.epayOf(school.id, merchant);
    if (!epay) {
      const refusal = new CallbackRefused(
        'wrong_merchant',
        'This school has no eSewa merchant of its own',
        claimed,
      );
      throw await this.refuse(school, null, refusal, data);
    }
    let callbackTotal: bigint;
    try {
      callbackTotal = epay.readCallback(data).totalMinor;
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw await this.refuse(school, payment?.id ?? null, error, data);
    }
    if (!payment) {
      const refusal = new CallbackRefused(
        'unknown_transaction',
        'No payment of this school has this transaction',
        claimed,
      );
      throw await this.refuse(school, null, refusal, data);
    }
    if (callbackTotal !== minorUnitsOf(payment.amount_minor)) {
      const refusal = new CallbackRefused(
        'amount_mismatch',
        "The callback's amount is not the payment's",
        claimed,
      );
      throw await this.refuse(school, payment.id, refusal, data);
    }
    return this.settle(
      school,
      this.merchants.epayOf(school.id, merchant, payment.merchant_code)!,
      payment,
    );
  }

  /** Asks eSewa again: after a timeout, or when the browser never came back. */
  async recheck(school: School, id: string): Promise<OnlinePaymentView> {
    const { merchant, payment } = await this.transactions.run(school, (manager) =>
      this.payments.merchantAndPayment(manager, { id }),
    );
    if (!payment) throw feeThingNotFound('online payment')();
    const epay = this.merchants.requireEpay(school.id, merchant, payment.merchant_code);
    return this.settle(school, epay, payment);
  }

  async list(school: School, studentId: string | null): Promise<OnlinePaymentView[]> {
    const records = await this.transactions.run(school, (manager) =>
      this.payments.list(manager, studentId),
    );
    return records.map(view);
  }

  /** `epay` speaks as the merchant the payment was started with: eSewa knows it under that code. */
  private async settle(
    school: School,
    epay: EsewaEpay,
    payment: OnlinePaymentRow,
  ): Promise<OnlinePaymentView> {
    const event = {
      schoolId: school.id,
      paymentId: null,
      feePaymentId: payment.id,
      transactionUuid: payment.transaction_uuid,
    };
    // A replayed callback of a completed payment is answered from the record: credited once.
    if (payment.status !== 'complete') {
      if (payment.currency !== ESEWA_CURRENCY) throw onlinePaymentCurrency(payment.currency);
      let status: ProviderStatus;
      try {
        status = await epay.statusOf(
          toSettle(payment.transaction_uuid, minorUnitsOf(payment.amount_minor)),
        );
      } catch (error) {
        if (!(error instanceof ProviderUnavailable)) throw error;
        await this.events.record({
          ...event,
          kind: 'provider_unavailable',
          reason: error.kind,
          detail: { message: error.message },
        });
        throw feeProviderUnavailable(payment.id, error.kind, error.message);
      }
      const settled = await this.transactions.run(school, async (manager) => {
        const locked = await this.payments.lock(manager, payment.id);
        if (locked.status === 'complete') return undefined;
        await this.payments.recordStatus(manager, payment.id, status);
        if (status.outcome !== 'complete') return null;
        // eSewa took the money: it is never refused (a void invoice's becomes credit).
        return applyPayment(manager, {
          invoiceId: locked.invoice_id,
          method: 'esewa',
          amountMinor: minorUnitsOf(locked.amount_minor),
          reference: status.reference,
          receivedBy: null,
          onlinePaymentId: locked.id,
          refuseWhen: [],
        });
      });
      // Journalled once the school's transaction committed: public is not the school's.
      if (settled !== undefined) {
        await this.events.record({
          ...event,
          kind: 'provider_status',
          reason: status.providerStatus,
        });
      }
      if (settled) {
        await this.events.record({
          ...event,
          kind: 'completed',
          reason: status.providerStatus,
          detail: { receiptId: settled.receiptId, receiptNumber: settled.receiptNumber },
        });
      }
    }
    const record = await this.transactions.run(school, (manager) =>
      this.payments.record(manager, payment.id),
    );
    return view(record!);
  }

  private async refuse(
    school: School,
    feePaymentId: string | null,
    refusal: CallbackRefused,
    data: string,
  ) {
    await this.events.record({
      kind: 'callback_refused',
      schoolId: school.id,
      paymentId: null,
      feePaymentId,
      transactionUuid: refusal.transactionUuid,
      reason: refusal.reason,
      detail: { message: refusal.message, data },
    });
    return callbackRefused(refusal.reason, refusal.message);
  }
}

const toSettle = (transactionUuid: string, amount: bigint): PaymentToSettle => ({
  transactionUuid,
  amountMinor: amount,
  taxMinor: 0n,
  totalMinor: amount,
});

function view(record: OnlinePaymentRecord): OnlinePaymentView {
  return {
    ...record,
    amountMinor: minorUnitsToNumber(minorUnitsOf(record.amountMinor)),
  };
}
