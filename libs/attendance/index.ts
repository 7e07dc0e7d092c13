export * from './attendance-caller';
export * from './attendance.errors';
export * from './attendance.module';
export * from './dto/dates.dto';
export * from './dto/reports.dto';
export * from './dto/sessions.dto';
export * from './registers.service';
export * from './reports.service';
