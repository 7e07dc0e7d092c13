import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';

/**
 * What saving a register sets off, in the same transaction: absences an approved note covers
 * become excused, and each unexcused absence queues one alert per student, day and guardian.
 */
@Injectable()
export class AbsenceAlertsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Called by the register's save after its records are written, before they are read back.
   * (Placeholder until absence notes and alerts land: it changes nothing.)
   */
  async afterRecordsSaved(sessionId: string): Promise<void> {
    void this.tenant;
    void sessionId;
  }
}
