import { Module } from '@nestjs/common';
import { CalendarModule } from '@schoolyard/calendar';
import { IdentityModule } from '@schoolyard/identity';
import { AbsenceAlertsModule } from './absence-alerts.jobs';
import {
  AbsenceNotesController,
  MyChildrenAbsenceNotesController,
} from './absence-notes.controller';
import { AbsenceNotesRepository } from './absence-notes.repository';
import { AbsenceNotesService } from './absence-notes.service';
import { RecordsRepository } from './records.repository';
import { RegistersService } from './registers.service';
import {
  ChildAttendanceController,
  ReportsController,
  StudentAttendanceController,
} from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { RegistersController } from './registers.controller';
import { SessionsRepository } from './sessions.repository';

const services = [RegistersService, ReportsService];

/**
 * Attendance registers, reports, absence notes and the alerts to guardians. The services take
 * the caller as an argument (ScopedCaller), so a command can use them in a transaction
 * of its own acting as any person. The alerts' module brings AbsenceAlertsRepository (the
 * register's save calls it) and the alert job.
 */
@Module({
  imports: [CalendarModule, IdentityModule, AbsenceAlertsModule],
  controllers: [
    RegistersController,
    ReportsController,
    StudentAttendanceController,
    ChildAttendanceController,
    AbsenceNotesController,
    MyChildrenAbsenceNotesController,
  ],
  providers: [
    ...services,
    SessionsRepository,
    RecordsRepository,
    ReportsRepository,
    AbsenceNotesService,
    AbsenceNotesRepository,
  ],
  exports: services,
})
export class AttendanceModule {}
