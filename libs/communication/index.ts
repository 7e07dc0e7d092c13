export * from './communication.module';
export * from './delivery-queue';
export * from './notifications-writer';
export * from './dto/messages.dto';
export { MessagesService } from './messages.service';
export { ThreadsService } from './threads.service';
export { StreamHub, type StreamedNotification } from './stream-hub';
export {
  AnnouncementsPublishingModule,
  AnnouncementsPublishing,
  announcementsSweepQueue,
  publishAnnouncementsQueue,
} from './announcements-publishing.jobs';
export { AnnouncementPublisher } from './announcements-publishing.service';
export * from './deliveries.jobs';
export * from './deliveries.service';
export * from './sms';
export * from './deliveries.platform';
export * from './deliveries.repository';
