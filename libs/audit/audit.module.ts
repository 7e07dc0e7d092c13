import { Module } from '@nestjs/common';
import { AuditEventsController, StudentHistoryController } from './audit-events.controller';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditEventsService } from './audit-events.service';

/**
 * The school's audit trail (reading it, a student's history; pseudonymising on purge is
 * `pseudonymiseStudentTrail`) and the platform's. Row changes are written by the database's
 * trigger; application events through `recordSchoolEvent` and `recordPlatformEvent`;
 * retention is `AuditRetentionModule`'s sweep.
 */
@Module({
  controllers: [AuditEventsController, StudentHistoryController],
  providers: [AuditEventsRepository, AuditEventsService],
})
export class AuditModule {}
