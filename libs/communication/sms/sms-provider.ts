/** One text message as it leaves: the number, the words, and the key that makes it go once. */
export interface OutgoingSms {
  /** E.164 digits with the leading `+`. */
  to: string;
  text: string;
  /** The delivery's idempotency key: a gateway that sees it twice sends once. */
  idempotencyKey: string;
}

export interface SentSms {
  /** The gateway's own id of the message, kept on the delivery. */
  providerRef: string;
}

/**
 * A gateway's refusal, classed by what the job does next: `retryable` (timeouts, 5xx, 429)
 * tries again later with the same key; `permanent` (the gateway said the request itself is
 * wrong) fails the delivery at once, since asking again would get the same answer.
 */
export class SmsSendError extends Error {
  constructor(
    readonly kind: 'retryable' | 'permanent',
    message: string,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** What sends text messages; chosen by SMS_PROVIDER. */
export abstract class SmsProvider {
  abstract send(message: OutgoingSms): Promise<SentSms>;
}
