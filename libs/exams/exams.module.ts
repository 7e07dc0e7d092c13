import { Module } from '@nestjs/common';
import { CommunicationModule } from '@schoolyard/communication';
import { IdentityModule } from '@schoolyard/identity';
import { ExamsController } from './exams.controller';
import { ExamsRepository } from './exams.repository';
import { ExamsService } from './exams.service';
import { MarksController, ReopeningController } from './marks.controller';
import { MarksRepository } from './marks.repository';
import { MarksService } from './marks.service';
import { GradingScalesController } from './grading-scales.controller';
import { GradingScalesRepository } from './grading-scales.repository';
import { GradingScalesService } from './grading-scales.service';
import { PapersController } from './papers.controller';
import { PapersRepository } from './papers.repository';
import { PapersService } from './papers.service';
import { ReportCardBatchesController } from './report-card-batches.controller';
import { ReportCardBatchesModule } from './report-card-batches.jobs';
import { ReportCardBatchesService } from './report-card-batches.service';
import {
  ChildReportCardController,
  MyReportCardController,
  StudentReportCardController,
} from './report-cards.controller';
import { ChildExamResultsController, ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';
import { WeightingsController } from './weightings.controller';
import { WeightingsRepository } from './weightings.repository';
import { WeightingsService } from './weightings.service';

const services = [
  GradingScalesService,
  ExamsService,
  PapersService,
  MarksService,
  ResultsService,
  WeightingsService,
];

/**
 * Grading scales, exams and papers, marks, results, term grades and report cards. The services
 * take the caller as an argument, so a command can use them in a transaction of its own. The
 * report cards' own module brings their reads and the batch job (the worker imports it alone).
 */
@Module({
  imports: [IdentityModule, CommunicationModule, ReportCardBatchesModule],
  // The scales' routes come first: `grading-scales` is a word, not an exam's id.
  controllers: [
    GradingScalesController,
    PapersController,
    MarksController,
    ReopeningController,
    ResultsController,
    ChildExamResultsController,
    WeightingsController,
    StudentReportCardController,
    MyReportCardController,
    ChildReportCardController,
    ReportCardBatchesController,
    ExamsController,
  ],
  providers: [
    ...services,
    GradingScalesRepository,
    ExamsRepository,
    PapersRepository,
    MarksRepository,
    ResultsRepository,
    WeightingsRepository,
    ReportCardBatchesService,
  ],
  exports: services,
})
export class ExamsModule {}
