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

/**
 * Attendance registers, reports, absence notes and the alerts to guardians. The alerts'
 * module brings AbsenceAlertsRepository (the register's save calls it) and the alert job.
 */
@Module({
  imports: [CalendarModule, IdentityModule, AbsenceAlertsModule],
  controllers: [AbsenceNotesController, MyChildrenAbsenceNotesController],
  providers: [AbsenceNotesService, AbsenceNotesRepository],
})
export class AttendanceModule {}
