import { Module } from '@nestjs/common';
import { CalendarModule } from '@schoolyard/calendar';
import { AbsenceAlertsRepository } from './absence-alerts.repository';

/** Attendance registers, reports, absence notes and the alerts to guardians. */
@Module({
  imports: [CalendarModule],
  providers: [AbsenceAlertsRepository],
})
export class AttendanceModule {}
