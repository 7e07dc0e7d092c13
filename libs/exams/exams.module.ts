import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { ReportCardBatchesController } from './report-card-batches.controller';
import { ReportCardBatchesModule } from './report-card-batches.jobs';
import { ReportCardBatchesService } from './report-card-batches.service';
import { CallerOfCards } from './report-cards.caller';
import {
  ChildReportCardController,
  MyReportCardController,
  StudentReportCardController,
} from './report-cards.controller';
import { WeightingsController } from './weightings.controller';
import { WeightingsRepository } from './weightings.repository';
import { WeightingsService } from './weightings.service';

/**
 * Grading scales, exams and papers, marks, results, term grades and report cards. The report
 * cards' own module brings their reads and the batch job (the worker imports it alone).
 */
@Module({
  imports: [IdentityModule, ReportCardBatchesModule],
  controllers: [
    WeightingsController,
    StudentReportCardController,
    MyReportCardController,
    ChildReportCardController,
    ReportCardBatchesController,
  ],
  providers: [WeightingsService, WeightingsRepository, CallerOfCards, ReportCardBatchesService],
})
export class ExamsModule {}
