export * from './communication.module';
export * from './delivery-queue';
export * from './notifications-writer';
export { StreamHub, type StreamedNotification } from './stream-hub';
