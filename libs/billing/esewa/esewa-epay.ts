import { formatMajorUnits, MoneyFormatError, parseMajorUnits } from '../money';
import {
  CallbackRefused,
  type Checkout,
  type PaymentToSettle,
  ProviderUnavailable,
  type ProviderStatus,
  type ReturnAddresses,
  type VerifiedCallback,
} from '../payment-provider';
import {
  esewaSignature,
  REQUEST_SIGNED_FIELDS,
  REQUIRED_SIGNED_FIELDS,
  signatureMessage,
  signaturesMatch,
} from './esewa-signature';
import { parseFlatJson } from './flat-json';

/** The transaction-status API's statuses, from eSewa's documentation, onto ours. */
const OUTCOMES: Record<string, ProviderStatus['outcome']> = {
  COMPLETE: 'complete',
  PENDING: 'pending',
  // "Payment at halt state": eSewa itself has not decided yet.
  AMBIGUOUS: 'pending',
  // Never paid (the session expired) or reversed by eSewa.
  NOT_FOUND: 'failed',
  CANCELED: 'failed',
  FULL_REFUND: 'refunded',
  PARTIAL_REFUND: 'refunded',
};

/** A callback is a few hundred bytes; anything far larger is not one. */
const MAX_CALLBACK_CHARS = 4096;

/** Whose eSewa account takes the money: its merchant (product) code and its secret key. */
export interface EsewaMerchant {
  productCode: string;
  secretKey: string;
}

/** eSewa's own addresses (test or live) and how long we wait for it: the same for everyone. */
export interface EsewaEndpoints {
  formUrl: string;
  statusUrl: string;
  timeoutMs: number;
}

/**
 * eSewa ePay v2, written from eSewa's developer documentation: the browser posts a signed form
 * to eSewa, comes back to `success_url?data=<base64 JSON>` signed by eSewa, and the payment is
 * believed only once the transaction-status API says COMPLETE. One merchant's view of it: the
 * platform's own (EsewaProvider) or a school's (fees), over eSewa's platform-wide addresses.
 */
export class EsewaEpay {
  constructor(
    private readonly merchant: EsewaMerchant,
    private readonly endpoints: EsewaEndpoints,
  ) {}

  checkout(payment: PaymentToSettle, addresses: ReturnAddresses): Checkout {
    const fields: Record<string, string> = {
      amount: formatMajorUnits(payment.amountMinor),
      tax_amount: formatMajorUnits(payment.taxMinor),
      total_amount: formatMajorUnits(payment.totalMinor),
      transaction_uuid: payment.transactionUuid,
      product_code: this.merchant.productCode,
      product_service_charge: '0',
      product_delivery_charge: '0',
      success_url: addresses.success,
      failure_url: addresses.failure,
      signed_field_names: REQUEST_SIGNED_FIELDS,
    };
    fields.signature = this.sign(fields, REQUEST_SIGNED_FIELDS);
    return { formUrl: this.endpoints.formUrl, method: 'POST', fields };
  }

  readCallback(data: string): VerifiedCallback {
    const fields = decodeCallback(data);
    const claimed = fields.transaction_uuid ?? null;
    const names = fields.signed_field_names;
    const signature = fields.signature;
    if (!names || !signature || !claimed || !fields.total_amount || !fields.product_code) {
      throw new CallbackRefused(
        'malformed',
        'The callback lacks fields eSewa always sends',
        claimed,
      );
    }
    const listed = names.split(',');
    if (
      REQUIRED_SIGNED_FIELDS.some((name) => !listed.includes(name)) ||
      listed.some((name) => fields[name] === undefined)
    ) {
      throw new CallbackRefused(
        'bad_signature',
        'The callback does not sign the amount, transaction and merchant',
        claimed,
      );
    }
    if (!signaturesMatch(this.sign(fields, names), signature)) {
      throw new CallbackRefused(
        'bad_signature',
        "The callback's signature is not eSewa's",
        claimed,
      );
    }
    if (fields.product_code !== this.merchant.productCode) {
      throw new CallbackRefused(
        'wrong_merchant',
        'The callback is for another eSewa merchant',
        claimed,
      );
    }
    return {
      transactionUuid: claimed,
      totalMinor: amountOf(fields.total_amount, () => {
        throw new CallbackRefused('malformed', "The callback's amount cannot be read", claimed);
      }),
      status: fields.status ?? '',
      reference: fields.transaction_code ?? null,
    };
  }

  async statusOf(payment: PaymentToSettle): Promise<ProviderStatus> {
    const url = new URL(this.endpoints.statusUrl);
    url.searchParams.set('product_code', this.merchant.productCode);
    url.searchParams.set('total_amount', formatMajorUnits(payment.totalMinor));
    url.searchParams.set('transaction_uuid', payment.transactionUuid);
    let status: number;
    let text: string;
    try {
      // The timeout covers reading the body too.
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.endpoints.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      throw new ProviderUnavailable(
        'unreachable',
        timedOut
          ? `eSewa's status API did not answer within ${this.endpoints.timeoutMs} ms`
          : "eSewa's status API could not be reached",
      );
    }
    if (status < 200 || status > 299) {
      throw new ProviderUnavailable('bad_answer', `eSewa's status API answered HTTP ${status}`);
    }
    return this.readStatus(payment, parseFlatJson(text));
  }

  private readStatus(
    payment: PaymentToSettle,
    body: Record<string, string> | undefined,
  ): ProviderStatus {
    const outcome = body?.status === undefined ? undefined : OUTCOMES[body.status];
    if (!body || !outcome) {
      throw new ProviderUnavailable('bad_answer', "eSewa's status API gave no status we know");
    }
    const unusable = () => {
      throw new ProviderUnavailable(
        'bad_answer',
        "eSewa's status answer is about another transaction or amount",
      );
    };
    if (
      (body.transaction_uuid !== undefined && body.transaction_uuid !== payment.transactionUuid) ||
      (body.product_code !== undefined && body.product_code !== this.merchant.productCode)
    ) {
      unusable();
    }
    // A completion is believed only for exactly the amount we asked for.
    if (
      outcome === 'complete' &&
      (body.total_amount === undefined ||
        amountOf(body.total_amount, unusable) !== payment.totalMinor)
    ) {
      unusable();
    }
    return { outcome, providerStatus: body.status, reference: body.ref_id || null };
  }

  private sign(fields: Record<string, string>, names: string): string {
    return esewaSignature(this.merchant.secretKey, signatureMessage(fields, names));
  }
}

function amountOf(text: string, refuse: () => never): bigint {
  try {
    return parseMajorUnits(text);
  } catch (error) {
    if (error instanceof MoneyFormatError) refuse();
    throw error;
  }
}

/** `data` is base64 of a JSON object; a `+` may arrive as a space when a query was not encoded. */
export function decodeCallback(data: string): Record<string, string> {
  const compact = data.trim().replace(/ /g, '+');
  const fields =
    compact.length > 0 &&
    compact.length <= MAX_CALLBACK_CHARS &&
    /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)
      ? parseFlatJson(Buffer.from(compact, 'base64').toString('utf8'))
      : undefined;
  if (!fields) {
    throw new CallbackRefused('malformed', 'The callback is not base64-encoded JSON from eSewa');
  }
  return fields;
}
