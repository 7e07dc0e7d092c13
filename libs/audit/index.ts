export * from './audit.module';
export * from './audit-trail.writer';
export * from './audit-retention.jobs';
