import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { MailDelivery } from './mail-delivery.service';
import { MailDispatcher } from './mail-dispatcher.service';
import { createMailTransport, MAIL_TRANSPORT, type MailTransport } from './mail-transport';
import { OutboxRepository } from './outbox.repository';

/**
 * Delivers the outbox: rows become `mail.deliver` jobs (see MailDispatcher), jobs send through
 * SMTP or, in development, into files. Needs the JobsModule and the DatabaseModule.
 */
@Module({
  providers: [
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createMailTransport(config.mail),
    },
    OutboxRepository,
    MailDelivery,
    MailDispatcher,
  ],
  exports: [MailDelivery, MailDispatcher],
})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(MAIL_TRANSPORT) private readonly transport: MailTransport) {}

  /** After the job runner has stopped, so no delivery is in flight. */
  onApplicationShutdown(): void {
    this.transport.close();
  }
}
