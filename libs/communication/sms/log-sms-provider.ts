import { Logger } from '@nestjs/common';
import { type OutgoingSms, type SentSms, SmsProvider } from './sms-provider';

/**
 * Development and tests: a message is a log line, and its reference is its key, so sending
 * the same delivery twice would show as the same reference.
 */
export class LogSmsProvider extends SmsProvider {
  private readonly logger = new Logger('Sms');

  send(message: OutgoingSms): Promise<SentSms> {
    // The number is the person's: only its last digits go to the log.
    this.logger.log(
      { to: `…${message.to.slice(-3)}`, key: message.idempotencyKey, length: message.text.length },
      'text message (log provider)',
    );
    return Promise.resolve({ providerRef: `log:${message.idempotencyKey}` });
  }
}
