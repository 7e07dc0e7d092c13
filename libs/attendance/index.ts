export * from './attendance.module';
