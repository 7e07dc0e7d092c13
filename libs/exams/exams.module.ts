import { Module } from '@nestjs/common';

/** Grading scales, exams and papers, marks, results, term grades and report cards. */
@Module({})
export class ExamsModule {}
