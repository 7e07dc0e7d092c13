import { Module } from '@nestjs/common';
import { WeightingsController } from './weightings.controller';
import { WeightingsRepository } from './weightings.repository';
import { WeightingsService } from './weightings.service';

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({
  controllers: [WeightingsController],
  providers: [WeightingsService, WeightingsRepository],
})
export class ExamsModule {}
