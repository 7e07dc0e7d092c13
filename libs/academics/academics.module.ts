import { Module } from '@nestjs/common';
import { AcademicLevelsController } from './academic-levels.controller';
import { AcademicLevelsRepository } from './academic-levels.repository';
import { AcademicLevelsService } from './academic-levels.service';
import { StudentSectionsController } from './enrolment.controller';
import { EnrolmentRepository } from './enrolment.repository';
import { EnrolmentService } from './enrolment.service';
import { InstructorsRepository } from './instructors.repository';
import { ProgramsController } from './programs.controller';
import { ProgramsRepository } from './programs.repository';
import { ProgramsService } from './programs.service';
import { SectionsController } from './sections.controller';
import { SectionsRepository } from './sections.repository';
import { SectionsService } from './sections.service';
import { SubjectsController } from './subjects.controller';
import { SubjectsRepository } from './subjects.repository';
import { SubjectsService } from './subjects.service';
import { TeachingRepository } from './teaching.repository';
import { TeachingService } from './teaching.service';

const services = [
  ProgramsService,
  AcademicLevelsService,
  SectionsService,
  SubjectsService,
  EnrolmentService,
  TeachingService,
];

const repositories = [
  ProgramsRepository,
  AcademicLevelsRepository,
  SectionsRepository,
  SubjectsRepository,
  EnrolmentRepository,
  TeachingRepository,
  InstructorsRepository,
];

/**
 * The services and their repositories need only TenantContext: they work in whatever tenant
 * transaction is open, an HTTP request's or one a command opens with TenantTransactions.run().
 */
@Module({
  controllers: [
    ProgramsController,
    AcademicLevelsController,
    SectionsController,
    SubjectsController,
    StudentSectionsController,
  ],
  providers: [...services, ...repositories],
  exports: services,
})
export class AcademicsModule {}
