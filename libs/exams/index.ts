export * from './exams.module';
export * from './dto/report-cards.dto';
export { renderReportCards } from './report-card-pdf';
export { ReportCardsService } from './report-cards.service';
