export * from './sms-provider';
export * from './log-sms-provider';
export * from './http-sms-provider';
export * from './sms-provider.factory';
