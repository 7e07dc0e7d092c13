export * from './exams.module';
export * from './dto/report-cards.dto';
