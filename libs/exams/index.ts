export * from './dto/exams.dto';
export * from './dto/grading-scales.dto';
export * from './dto/papers.dto';
export * from './exams.errors';
export * from './exams.module';
export * from './exams.service';
export * from './grading-scales.service';
export * from './papers.service';
