export * from './exams.module';
