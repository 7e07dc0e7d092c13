import { Module } from '@nestjs/common';
import { IdentityModule } from '@schoolyard/identity';
import { ContentsController } from './contents.controller';
import { ContentsService } from './contents.service';
import { GradingService } from './grading.service';
import { SubmissionsController } from './submissions.controller';
import { SubmissionsService } from './submissions.service';
import { CallerViewer } from './viewer';

const services = [ContentsService, SubmissionsService, GradingService];

/**
 * The services need only TenantContext and take the viewer as an argument, so a command can
 * use them in a transaction of its own (TenantTransactions.run) acting as any person.
 */
@Module({
  imports: [IdentityModule],
  controllers: [ContentsController, SubmissionsController],
  providers: [...services, CallerViewer],
  exports: services,
})
export class CourseworkModule {}
