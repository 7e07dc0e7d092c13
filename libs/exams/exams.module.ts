import { Module } from '@nestjs/common';
import { ExamsController } from './exams.controller';
import { ExamsRepository } from './exams.repository';
import { ExamsService } from './exams.service';
import { GradingScalesController } from './grading-scales.controller';
import { GradingScalesRepository } from './grading-scales.repository';
import { GradingScalesService } from './grading-scales.service';
import { PapersController } from './papers.controller';
import { PapersRepository } from './papers.repository';
import { PapersService } from './papers.service';

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({
  // The scales' routes come first: `grading-scales` is a word, not an exam's id.
  controllers: [GradingScalesController, PapersController, ExamsController],
  providers: [
    GradingScalesService,
    GradingScalesRepository,
    ExamsService,
    ExamsRepository,
    PapersService,
    PapersRepository,
  ],
  exports: [GradingScalesService, ExamsService, PapersService],
})
export class ExamsModule {}
