export * from './exams.module';
export * from './dto/report-cards.dto';
export { ReportCardBatchesModule, ReportCardBatchBuilder } from './report-card-batches.jobs';
export { reportCardBatchesQueue } from './report-card-batches.queue';
export { renderReportCards } from './report-card-pdf';
export { ReportCardsService } from './report-cards.service';
