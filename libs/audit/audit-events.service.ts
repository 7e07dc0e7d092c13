import { Injectable } from '@nestjs/common';
import { type AuditFilter, AuditEventsRepository } from './audit-events.repository';
import { auditWindowReversed, historyStudentNotFound } from './audit.errors';
import {
  type AuditEventPage,
  type AuditEventsQuery,
  type AuditPageQuery,
} from './dto/audit-events.dto';

const DAY_MS = 24 * 60 * 60 * 1000;
const WHOLE_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reading the school's audit trail: the whole list, filtered, and one student's history. */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventsRepository) {}

  list(query: AuditEventsQuery): Promise<AuditEventPage> {
    const from = query.from === undefined ? undefined : moment(query.from);
    const to = query.to === undefined ? undefined : moment(query.to);
    // Days are compared as UTC days here and bounded in the school's zone in SQL: the same
    // order either way, since both ends move by the same offset.
    if (from && to && Date.parse(from.at) > Date.parse(to.at) + (to.day ? DAY_MS - 1 : 0)) {
      throw auditWindowReversed();
    }
    const filter: AuditFilter = {
      entityType: query.entityType,
      entityId: query.entityId,
      actor: query.actor,
      action: query.action,
      from,
      to,
    };
    return this.events.list(filter, query);
  }

  /**
   * A student's entries, while the student is on the roll. A purged student's entries carry a
   * pseudonym instead of their id, so they are found only through the whole list.
   */
  async history(studentId: string, page: AuditPageQuery): Promise<AuditEventPage> {
    if (!(await this.events.studentExists(studentId))) throw historyStudentNotFound();
    return this.events.list({ person: studentId }, page);
  }
}

function moment(at: string): { at: string; day: boolean } {
  return { at, day: WHOLE_DAY.test(at) };
}
