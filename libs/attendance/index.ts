export * from './attendance.module';
export {
  AbsenceAlertsModule,
  AbsenceAlertsJobs,
  absenceAlertsSweepQueue,
} from './absence-alerts.jobs';
export { absenceAlertsQueue } from './absence-alerts.queue';
export { AbsenceAlertsDelivery } from './absence-alerts.delivery';
export { AbsenceAlertsRepository } from './absence-alerts.repository';
