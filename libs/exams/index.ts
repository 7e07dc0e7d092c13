export * from './exams.module';
export * from './dto/results.dto';
export * from './results.service';
