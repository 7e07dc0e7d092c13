import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { ExamsController } from './exams.controller';
import { ExamsRepository } from './exams.repository';
import { ExamsService } from './exams.service';
import { GradingScalesController } from './grading-scales.controller';
import { GradingScalesRepository } from './grading-scales.repository';
import { GradingScalesService } from './grading-scales.service';
import { PapersController } from './papers.controller';
import { PapersRepository } from './papers.repository';
import { PapersService } from './papers.service';
import { ChildExamResultsController, ResultsController } from './results.controller';
import { CallerOfResults } from './results-caller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';

const services = [GradingScalesService, ExamsService, PapersService, ResultsService];

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({
  imports: [IdentityModule],
  // The scales' routes come first: `grading-scales` is a word, not an exam's id.
  controllers: [
    GradingScalesController,
    PapersController,
    ResultsController,
    ChildExamResultsController,
    ExamsController,
  ],
  providers: [
    ...services,
    GradingScalesRepository,
    ExamsRepository,
    PapersRepository,
    ResultsRepository,
    CallerOfResults,
  ],
  exports: services,
})
export class ExamsModule {}
