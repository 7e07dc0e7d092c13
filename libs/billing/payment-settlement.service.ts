import { Inject, Injectable, Optional } from '@nestjs/common';
import { recordPlatformEvent } from '@schoolyard/audit';
import { AppError, requestStore, type SchoolyardStore } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';
import { callbackRefused, providerUnavailable } from './billing.errors';
import { type PaymentView } from './dto/payments.dto';
import { minorUnitsOf } from './money';
import { PaymentEvents } from './payment-events';
import {
  CallbackRefused,
  PAYMENT_PROVIDER,
  type PaymentProvider,
  ProviderUnavailable,
  type ProviderStatus,
  type VerifiedCallback,
} from './payment-provider';
import {
  isFinal,
  type PaymentRow,
  PaymentsRepository,
  paymentView,
  toSettle,
} from './payments.repository';
import { PaymentsService } from './payments.service';
import { type CreditedPeriod, SubscriptionsRepository } from './subscriptions.repository';

/** One payment checked by the maintainer: where it stands now, or why it could not be checked. */
export interface RecheckOutcome {
  paymentId: string;
  school?: string;
  status?: string;
  providerStatus?: string | null;
  error?: { code: string; message: string };
}

/**
 * Turns a provider's word into our records. A callback is only a prompt: it must be authentic,
 * for a payment of the school it arrived at, for that payment's amount; then the provider's
 * status API is asked (outside any transaction), and only COMPLETE completes the payment and
 * extends the subscription, together, once.
 */
@Injectable()
export class PaymentSettlement {
  constructor(
    private readonly requests: PlatformDatabase,
    private readonly paymentRows: PaymentsRepository,
    private readonly subscriptions: SubscriptionsRepository,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly payments: PaymentsService,
    private readonly events: PaymentEvents,
    @Optional() private readonly cls?: ClsService<SchoolyardStore>,
  ) {}

  /** The browser back from the provider at `schoolId`'s address, carrying the signed answer. */
  async verify(schoolId: string, data: string): Promise<PaymentView> {
    let callback: VerifiedCallback;
    try {
      callback = this.provider.readCallback(data);
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      throw await this.refuse(schoolId, null, error, data);
    }
    const payment = await this.paymentRows.findByTransaction(
      callback.transactionUuid,
      this.provider.name,
    );
    const unknown = 'No payment of this school has this transaction';
    if (!payment) {
      throw await this.refuse(
        schoolId,
        null,
        new CallbackRefused('unknown_transaction', unknown, callback.transactionUuid),
        data,
      );
    }
    if (payment.organization_id !== schoolId) {
      throw await this.refuse(
        schoolId,
        payment.id,
        new CallbackRefused('other_school', unknown, callback.transactionUuid),
        data,
      );
    }
    if (callback.totalMinor !== minorUnitsOf(payment.total_minor)) {
      throw await this.refuse(
        schoolId,
        payment.id,
        new CallbackRefused(
          'amount_mismatch',
          "The callback's amount is not the payment's",
          callback.transactionUuid,
        ),
        data,
      );
    }
    return this.settle(payment, schoolId);
  }

  /**
   * Asks the provider again: after a timeout, or when the browser never came back. `actor`
   * names who asked where no request does (`job:<queue>`, `cli:<user>`), for the platform
   * audit trail.
   */
  async recheck(schoolId: string | null, paymentId: string, actor?: string): Promise<PaymentView> {
    return this.settle(await this.payments.row(schoolId, paymentId), schoolId, actor);
  }

  /**
   * The maintainer's sweep (CLI `payments recheck`): every pending payment, oldest first, or
   * the one named, asked about one at a time so a slow provider is not flooded.
   */
  async recheckPending(paymentId?: string, actor?: string): Promise<RecheckOutcome[]> {
    const targets: Array<{ id: string; slug?: string }> = paymentId
      ? [{ id: paymentId }]
      : await this.paymentRows.pendingPayments();
    const outcomes: RecheckOutcome[] = [];
    for (const target of targets) {
      const school = target.slug === undefined ? {} : { school: target.slug };
      try {
        const payment = await this.recheck(null, target.id, actor);
        outcomes.push({
          paymentId: payment.id,
          ...school,
          status: payment.status,
          providerStatus: payment.providerStatus,
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        outcomes.push({
          paymentId: target.id,
          ...school,
          error: { code: error.code, message: error.message },
        });
      }
    }
    return outcomes;
  }

  private async refuse(
    schoolId: string,
    paymentId: string | null,
    refusal: CallbackRefused,
    data: string,
  ) {
    await this.events.record({
      kind: 'callback_refused',
      schoolId,
      paymentId,
      transactionUuid: refusal.transactionUuid,
      reason: refusal.reason,
      detail: { message: refusal.message, data },
    });
    return callbackRefused(refusal.reason, refusal.message);
  }

  private async settle(
    payment: PaymentRow,
    schoolId: string | null,
    actor?: string,
  ): Promise<PaymentView> {
    // A replayed callback for a completed payment is answered from the record: credited once.
    if (isFinal(payment)) return paymentView(payment);
    let status: ProviderStatus;
    try {
      status = await this.provider.statusOf(toSettle(payment));
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      await this.events.record({
        kind: 'provider_unavailable',
        schoolId,
        paymentId: payment.id,
        transactionUuid: payment.transaction_uuid,
        reason: error.kind,
        detail: { message: error.message },
      });
      throw providerUnavailable(payment.id, error.kind, error.message);
    }
    return paymentView(await this.apply(payment.id, status, schoolId, actor));
  }

  /** One transaction: the payment row is locked first, so a replay racing this one waits and then finds it done. */
  private apply(
    paymentId: string,
    status: ProviderStatus,
    schoolId: string | null,
    actor?: string,
  ): Promise<PaymentRow> {
    return this.requests.transaction(async (manager) => {
      const payment = await this.paymentRows.lockPayment(manager, paymentId);
      if (isFinal(payment)) return payment;
      const event = {
        schoolId,
        paymentId,
        transactionUuid: payment.transaction_uuid,
        reason: status.providerStatus,
      };
      if (status.outcome !== 'complete') {
        const checked = await this.paymentRows.recordCheck(manager, paymentId, status);
        await this.events.record({ ...event, kind: 'provider_status' }, manager);
        // Still pending, or failed again: nothing new happened to the payment.
        if (checked.status !== payment.status) {
          await this.audit(manager, checked, `payment.${checked.status}`, actor);
        }
        return checked;
      }
      const period = await this.extendSubscription(manager, payment);
      const completed = await this.paymentRows.complete(manager, paymentId, status, period);
      await this.events.record(
        {
          ...event,
          kind: 'completed',
          detail: { periodStart: period.starts, periodEnd: period.ends },
        },
        manager,
      );
      await this.audit(manager, completed, 'payment.completed', actor, {
        periodStart: period.starts,
        periodEnd: period.ends,
      });
      return completed;
    });
  }

  /**
   * Paying for the plan the school is on, while it runs, adds time after the current period;
   * anything else (a trial, another plan, a lapsed subscription) starts a new period now.
   */
  private async extendSubscription(
    manager: EntityManager,
    payment: PaymentRow,
  ): Promise<CreditedPeriod> {
    // Locked first; the next statement's snapshot then sees what any other payment of this
    // school committed while we waited, so two payments add up instead of overwriting.
    await this.subscriptions.lockSubscription(manager, payment.organization_id);
    const period = await this.subscriptions.creditedPeriod(manager, {
      schoolId: payment.organization_id,
      planCode: payment.plan_code,
      periods: payment.periods,
    });
    if (!period) throw new Error(`school ${payment.organization_id} has no subscription`);
    await this.subscriptions.activate(manager, payment.organization_id, {
      planCode: payment.plan_code,
      periodStart: period.subscription_starts,
      periodEnd: period.ends,
    });
    return period;
  }

  /**
   * The payment's turn in the platform audit trail, in the transaction that made it. The
   * actor: whoever the caller names, else the signed-in account of the request, else the
   * provider whose signed callback brought the news.
   */
  private async audit(
    manager: EntityManager,
    payment: PaymentRow,
    action: string,
    actor: string | undefined,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const store = this.cls ? requestStore(this.cls) : undefined;
    await recordPlatformEvent(manager, {
      actor:
        actor ??
        (store?.auditActor ? `account:${store.auditActor}` : `provider:${this.provider.name}`),
      action,
      organizationId: payment.organization_id,
      requestId: store?.requestId,
      details: {
        paymentId: payment.id,
        plan: payment.plan_code,
        totalMinor: payment.total_minor,
        currency: payment.currency,
        providerStatus: payment.provider_status,
        ...extra,
      },
    });
  }
}
