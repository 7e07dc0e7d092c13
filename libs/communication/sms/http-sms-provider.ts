import { type OutgoingSms, type SentSms, SmsProvider, SmsSendError } from './sms-provider';

export interface HttpSmsSettings {
  url: string;
  token: string | undefined;
  timeoutMs: number;
}

/**
 * A gateway reached over HTTP: POST `{to, text}` as JSON, with the delivery's key in
 * `Idempotency-Key` (so a retry after a lost answer is not a second message) and the token as
 * a bearer. Its answer's `id` (or `messageId`, or `ref`) becomes the provider reference.
 * 408, 429, 5xx, timeouts and network errors are retryable; any other 4xx is permanent.
 */
export class HttpSmsProvider extends SmsProvider {
  constructor(private readonly settings: HttpSmsSettings) {
    super();
  }

  async send(message: OutgoingSms): Promise<SentSms> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': message.idempotencyKey,
    };
    if (this.settings.token) headers.authorization = `Bearer ${this.settings.token}`;
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const reason = error instanceof Error ? error.name : 'error';
      throw new SmsSendError('retryable', `SMS gateway unreachable (${reason})`);
    }
    const answer = await response.text().catch(() => '');
    if (!response.ok) {
      const retryable =
        response.status === 408 || response.status === 429 || response.status >= 500;
      // The gateway's words may echo the number: only the status is kept.
      throw new SmsSendError(
        retryable ? 'retryable' : 'permanent',
        `SMS gateway answered ${response.status}`,
      );
    }
    return { providerRef: referenceIn(answer) ?? `http:${message.idempotencyKey}` };
  }
}

function referenceIn(answer: string): string | undefined {
  try {
    const body = JSON.parse(answer) as Record<string, unknown>;
    const ref = body.id ?? body.messageId ?? body.ref;
    return typeof ref === 'string' || typeof ref === 'number'
      ? String(ref).slice(0, 200)
      : undefined;
  } catch {
    return undefined;
  }
}
