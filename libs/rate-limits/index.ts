export * from './fast-refusals';
export * from './rate-limit.guard';
export * from './rate-limits.errors';
export * from './rate-limits.module';
export * from './token-buckets';
export * from './registration-limits';
export * from './shared-buckets';
export * from './shared-state';
