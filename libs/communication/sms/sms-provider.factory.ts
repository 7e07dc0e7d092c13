import { type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { HttpSmsProvider } from './http-sms-provider';
import { LogSmsProvider } from './log-sms-provider';
import { SmsProvider } from './sms-provider';

/** The provider SMS_PROVIDER names; a test may override `SmsProvider` with its own. */
export const smsProvider: Provider = {
  provide: SmsProvider,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): SmsProvider =>
    config.sms.provider === 'http' && config.sms.httpUrl
      ? new HttpSmsProvider({
          url: config.sms.httpUrl,
          token: config.sms.httpToken,
          timeoutMs: config.sms.timeoutMs,
        })
      : new LogSmsProvider(),
};
