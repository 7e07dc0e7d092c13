import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { DeliveryQueue } from './delivery-queue';

/**
 * Announcements, messages, the notification inbox with its preferences and live stream, and
 * the deliveries by email and SMS (docs/COMMUNICATION.md). Services take the caller as an
 * argument, so a command or a job can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [],
  providers: [DeliveryQueue],
  exports: [DeliveryQueue],
})
export class CommunicationModule {}
