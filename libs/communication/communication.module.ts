import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { DeliveryQueue } from './delivery-queue';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { MessageThreadsController } from './threads.controller';
import { ThreadsRepository } from './threads.repository';
import { ThreadsService } from './threads.service';

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [MessageThreadsController],
  providers: [
    DeliveryQueue,
    ThreadsService,
    ThreadsRepository,
    MessagesService,
    MessagesRepository,
  ],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
