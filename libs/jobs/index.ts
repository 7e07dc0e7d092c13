export * from './jobs.module';
export * from './jobs.service';
export * from './jobs-db';
export * from './job-context';
export * from './outbox-sweep';
