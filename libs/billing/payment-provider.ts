import { type MinorUnits } from './money';

/** What a provider needs to know about a payment of ours. */
export interface PaymentToSettle {
  transactionUuid: string;
  amountMinor: MinorUnits;
  taxMinor: MinorUnits;
  totalMinor: MinorUnits;
}

export interface ReturnAddresses {
  /** Where the provider sends the browser after payment, with its signed answer. */
  success: string;
  failure: string;
}

/** How the browser hands the payment to the provider: an HTML form posted to `formUrl`. */
export interface Checkout {
  formUrl: string;
  method: 'POST';
  fields: Record<string, string>;
}

/** A callback whose signature held; its claims still have to match our payment. */
export interface VerifiedCallback {
  transactionUuid: string;
  totalMinor: MinorUnits;
  /** The provider's status as the callback says it (the status API has the last word). */
  status: string;
  reference: string | null;
}

/** What the provider's own record says, mapped onto our payment states. */
export interface ProviderStatus {
  outcome: 'complete' | 'pending' | 'failed' | 'refunded';
  /** The provider's word for it, kept on the payment. */
  providerStatus: string;
  reference: string | null;
}

export type RefusalReason =
  | 'malformed'
  | 'bad_signature'
  | 'wrong_merchant'
  | 'unknown_transaction'
  | 'other_school'
  | 'amount_mismatch';

/** A callback we will not act on; the reason is journalled. */
export class CallbackRefused extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** The transaction the callback claimed, when it could be read. */
    readonly transactionUuid: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The provider could not tell us (down, slow, or an answer we cannot trust): the payment
 * stays as it was and can be checked again.
 */
export class ProviderUnavailable extends Error {
  constructor(
    readonly kind: 'unreachable' | 'bad_answer',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A payment service the platform takes money through. eSewa ePay v2 is the first; another
 * provider implements the same four steps.
 */
export interface PaymentProvider {
  /** Stored on each payment: which provider to ask about it later. */
  readonly name: string;
  /** The signed form the browser posts to start paying. */
  checkout(payment: PaymentToSettle, addresses: ReturnAddresses): Checkout;
  /** Reads the provider's callback; throws CallbackRefused unless it is authentic and readable. */
  readCallback(data: string): VerifiedCallback;
  /** Asks the provider what became of the payment; throws ProviderUnavailable when it cannot. */
  statusOf(payment: PaymentToSettle): Promise<ProviderStatus>;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
