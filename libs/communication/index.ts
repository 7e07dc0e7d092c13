export * from './communication.module';
export * from './delivery-queue';
export * from './notifications-writer';
export {
  AnnouncementsPublishingModule,
  AnnouncementsPublishing,
  announcementsSweepQueue,
  publishAnnouncementsQueue,
} from './announcements-publishing.jobs';
export { AnnouncementPublisher } from './announcements-publishing.service';
