import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { ChildExamResultsController, ResultsController } from './results.controller';
import { CallerOfResults } from './results-caller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({
  imports: [IdentityModule],
  controllers: [ResultsController, ChildExamResultsController],
  providers: [ResultsService, ResultsRepository, CallerOfResults],
  exports: [ResultsService],
})
export class ExamsModule {}
