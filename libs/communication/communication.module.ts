import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { AnnouncementsController, AnnouncementsFeedController } from './announcements.controller';
import { AnnouncementsRepository } from './announcements.repository';
import { AnnouncementsService } from './announcements.service';
import { AnnouncementsPublishingModule } from './announcements-publishing.jobs';
import { DeliveryQueue } from './delivery-queue';

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule, AnnouncementsPublishingModule],
  controllers: [AnnouncementsFeedController, AnnouncementsController],
  providers: [DeliveryQueue, AnnouncementsService, AnnouncementsRepository],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
