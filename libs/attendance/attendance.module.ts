import { Module } from '@nestjs/common';
import { CalendarModule } from '@schoolyard/calendar';
import { IdentityModule } from '@schoolyard/identity';
import { AbsenceAlertsRepository } from './absence-alerts.repository';
import { CallerOfAttendance } from './attendance-caller';
import { RecordsRepository } from './records.repository';
import { RegistersService } from './registers.service';
import {
  ChildAttendanceController,
  ReportsController,
  StudentAttendanceController,
} from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';

const services = [RegistersService, ReportsService];

/**
 * Attendance registers, reports, absence notes and the alerts to guardians. The services take
 * the caller as an argument (AttendanceCaller), so a command can use them in a transaction
 * of its own acting as any person.
 */
@Module({
  imports: [CalendarModule, IdentityModule],
  controllers: [
    SessionsController,
    ReportsController,
    StudentAttendanceController,
    ChildAttendanceController,
  ],
  providers: [
    ...services,
    SessionsRepository,
    RecordsRepository,
    ReportsRepository,
    AbsenceAlertsRepository,
    CallerOfAttendance,
  ],
  exports: services,
})
export class AttendanceModule {}
