export * from './communication.module';
export * from './delivery-queue';
export * from './notifications-writer';
