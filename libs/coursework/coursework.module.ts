import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { ContentsController } from './contents.controller';
import { ContentsRepository } from './contents.repository';
import { ContentsService } from './contents.service';
import { GradingRepository } from './grading.repository';
import { GradingService } from './grading.service';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsRepository } from './submissions.repository';
import { SubmissionsService } from './submissions.service';
import { CallerViewer } from './viewer';
import { ViewersRepository } from './viewers.repository';

const services = [ContentsService, SubmissionsService, GradingService];

const repositories = [
  ContentsRepository,
  SubmissionsRepository,
  GradingRepository,
  ViewersRepository,
];

/**
 * The services and repositories need only TenantContext, and the services take the viewer as
 * an argument, so a command can use them in a transaction of its own (TenantTransactions.run)
 * acting as any person.
 */
@Module({
  imports: [IdentityModule],
  controllers: [ContentsController, SubmissionsController],
  providers: [...services, ...repositories, CallerViewer],
  exports: services,
})
export class CourseworkModule {}
