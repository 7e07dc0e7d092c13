import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { AnnouncementsController, AnnouncementsFeedController } from './announcements.controller';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';
import { AnnouncementsPublishingModule } from './announcements-publishing.jobs';
import { DeliveriesModule } from './deliveries.jobs';
import { DeliveryQueue } from './delivery-queue';
import { NotificationInboxController } from './inbox.controller';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';
import { NotificationPreferencesController } from './preferences.controller';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { NotificationStreamController } from './notification-stream.controller';
import { NotificationStreamRepository } from './notification-stream.repository';
import { NotificationStreams } from './notification-stream.service';
import { StreamHub } from './stream-hub';
import { MessageThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

/** Announcements and their feed; publication (and its jobs) in its own module. */
const announcementsPart = {
  // `announcements/feed` is a word: before `announcements/:id`.
  controllers: [AnnouncementsFeedController, AnnouncementsController],
  providers: [AnnouncementsService, AnnouncementsRepository],
};

/** Each person's inbox and preferences; the deliveries (and their jobs) in their own module. */
const inboxPart = {
  // Preferences first: its fixed path must win over the inbox's `:id`.
  controllers: [NotificationPreferencesController, NotificationInboxController],
  providers: [InboxRepository, InboxService, PreferencesRepository, PreferencesService],
};

/** Threads between staff, guardians and students; their unread counts. */
const messagesPart = {
  controllers: [MessageThreadsController],
  providers: [ThreadsService, ThreadsRepository, MessagesService, MessagesRepository],
};

/** Each person's live stream of new notifications, fed from the one LISTEN connection. */
const streamPart = {
  // `notifications/stream` is a word: before any `notifications/:id`.
  controllers: [NotificationStreamController],
  providers: [StreamHub, NotificationStreams, NotificationStreamRepository],
};

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule, AnnouncementsPublishingModule, DeliveriesModule],
  controllers: [
    ...streamPart.controllers,
    ...inboxPart.controllers,
    ...announcementsPart.controllers,
    ...messagesPart.controllers,
  ],
  providers: [
    DeliveryQueue,
    ...streamPart.providers,
    ...inboxPart.providers,
    ...announcementsPart.providers,
    ...messagesPart.providers,
  ],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
