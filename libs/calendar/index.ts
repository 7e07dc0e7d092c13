export * from './academic-years.service';
export * from './calendar.errors';
export * from './calendar.module';
export * from './dto/academic-years.dto';
export * from './dto/fields.dto';
export * from './school-days.repository';
