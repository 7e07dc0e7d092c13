import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { CallerOfCards } from './report-cards.caller';
import {
  ChildReportCardController,
  MyReportCardController,
  StudentReportCardController,
} from './report-cards.controller';
import { ReportCardsRepository } from './report-cards.repository';
import { ReportCardsService } from './report-cards.service';
import { WeightingsController } from './weightings.controller';
import { WeightingsRepository } from './weightings.repository';
import { WeightingsService } from './weightings.service';

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({
  imports: [IdentityModule],
  controllers: [
    WeightingsController,
    StudentReportCardController,
    MyReportCardController,
    ChildReportCardController,
  ],
  providers: [
    WeightingsService,
    WeightingsRepository,
    CallerOfCards,
    ReportCardsRepository,
    ReportCardsService,
  ],
})
export class ExamsModule {}
