import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { DeliveryQueue } from './delivery-queue';
import { NotificationStreamController } from './notification-stream.controller';
import { NotificationStreamRepository } from './notification-stream.repository';
import { NotificationStreams } from './notification-stream.service';
import { StreamHub } from './stream-hub';

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  // `notifications/stream` is a word: before any `notifications/:id`.
  controllers: [NotificationStreamController],
  providers: [DeliveryQueue, StreamHub, NotificationStreams, NotificationStreamRepository],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
