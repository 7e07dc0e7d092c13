import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { DeliveriesModule } from './deliveries.jobs';
import { DeliveryQueue } from './delivery-queue';
import { NotificationInboxController } from './inbox.controller';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';
import { NotificationPreferencesController } from './preferences.controller';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule, DeliveriesModule],
  // Preferences first: its fixed path must win over the inbox's `:id`.
  controllers: [NotificationPreferencesController, NotificationInboxController],
  providers: [
    DeliveryQueue,
    InboxRepository,
    InboxService,
    PreferencesRepository,
    PreferencesService,
  ],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
