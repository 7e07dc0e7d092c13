export * from './dto/marks.dto';
export * from './exams.module';
export * from './marks-caller';
export * from './marks.service';
