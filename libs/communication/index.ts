export * from './communication.module';
export * from './delivery-queue';
export * from './notifications-writer';
export * from './deliveries.jobs';
export * from './deliveries.service';
export * from './sms';
export * from './deliveries.platform';
export * from './deliveries.repository';
