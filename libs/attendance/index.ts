export * from './attendance.errors';
export * from './attendance.module';
export {
  AbsenceAlertsModule,
  AbsenceAlertsJobs,
  absenceAlertsSweepQueue,
} from './absence-alerts.jobs';
export { absenceAlertsQueue } from './absence-alerts.queue';
export { AbsenceAlertsDelivery } from './absence-alerts.delivery';
export { AbsenceAlertsRepository } from './absence-alerts.repository';
export * from './dto/dates.dto';
export * from './dto/reports.dto';
export * from './dto/sessions.dto';
export * from './registers.service';
export * from './reports.service';
/** Who an instructor reaches, as SQL over the caller's account: for exams' results and cards. */
export { callerProfile, callerStaff, taughtSections } from './attendance-scope';
export { checkRange } from './date-range';
