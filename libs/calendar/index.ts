export * from './calendar.module';
export * from './school-days.repository';
