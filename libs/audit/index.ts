export * from './audit.module';
export * from './audit-trail.writer';
