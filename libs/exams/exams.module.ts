import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { CallerOfMarks } from './marks-caller';
import { MarksController, ReopeningController } from './marks.controller';
import { MarksRepository } from './marks.repository';
import { MarksService } from './marks.service';

/**
 * Grading scales, exams and papers, marks, results, term grades and report cards. The services
 * take the caller as an argument, so a command can use them in a transaction of its own.
 */
@Module({
  imports: [IdentityModule],
  controllers: [MarksController, ReopeningController],
  providers: [MarksService, MarksRepository, CallerOfMarks],
  exports: [MarksService],
})
export class ExamsModule {}
