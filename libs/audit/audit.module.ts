import { Module } from '@nestjs/common';

/**
 * The school's audit trail (reading it, a student's history, retention, pseudonymising on
 * purge) and the platform's. Row changes are written by the database's trigger; application
 * events through `recordSchoolEvent` and `recordPlatformEvent`.
 */
@Module({})
export class AuditModule {}
