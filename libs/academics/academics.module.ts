import { Module } from '@nestjs/common';
import { AcademicLevelsController } from './academic-levels.controller';
import { AcademicLevelsService } from './academic-levels.service';
import { EnrolmentService } from './enrolment.service';
import { ProgramsController } from './programs.controller';
import { ProgramsService } from './programs.service';
import { SectionsController } from './sections.controller';
import { SectionsService } from './sections.service';
import { SubjectsController } from './subjects.controller';
import { SubjectsService } from './subjects.service';
import { TeachingService } from './teaching.service';

const services = [
  ProgramsService,
  AcademicLevelsService,
  SectionsService,
  SubjectsService,
  EnrolmentService,
  TeachingService,
];

/**
 * The services need only TenantContext: they work in whatever tenant transaction is open,
 * an HTTP request's or one a command opens with TenantTransactions.run().
 */
@Module({
  controllers: [
    ProgramsController,
    AcademicLevelsController,
    SectionsController,
    SubjectsController,
  ],
  providers: services,
  exports: services,
})
export class AcademicsModule {}
