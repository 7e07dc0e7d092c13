export * from './outbox';
export { queueMail } from './outbox.repository';
export * from './mail-templates';
export * from './mail-transport';
export * from './mail-delivery.service';
export * from './mail-dispatcher.service';
export * from './mail.module';
