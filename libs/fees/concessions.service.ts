import { Injectable } from '@nestjs/common';
import { isForeignKeyViolation, pgErrorOf } from '@schoolyard/database';
import { type ScopedCaller } from '@schoolyard/rbac';
import {
  type ConcessionDto,
  type ConcessionsQuery,
  type ConcessionView,
} from './dto/setup-structures.dto';
import { feeThingNotFound } from './fees.errors';
import { ConcessionsRepository } from './concessions.repository';
import { badFeeInput } from './setup.errors';

/** What each of the concession's references is called when it vanished meanwhile. */
const VANISHED: Record<string, Parameters<typeof feeThingNotFound>[0]> = {
  fee_concessions_student_id_fkey: 'student',
  fee_concessions_academic_year_id_fkey: 'academic year',
  fee_concessions_head_id_fkey: 'fee head',
};

/**
 * A concession takes a share (of every head, or of one) or an amount (of one head) off a
 * student's fees for a year. Invoices copy their lines when written, so a concession changes
 * only invoices generated after it, and deleting one changes none already written.
 */
@Injectable()
export class ConcessionsService {
  constructor(private readonly concessions: ConcessionsRepository) {}

  async list(query: ConcessionsQuery): Promise<{ data: ConcessionView[] }> {
    return {
      data: await this.concessions.all(query.studentId ?? null, query.academicYearId ?? null),
    };
  }

  async create(caller: ScopedCaller, concession: ConcessionDto): Promise<ConcessionView> {
    if ((concession.percent === undefined) === (concession.amountMinor === undefined)) {
      throw badFeeInput('percent', 'send exactly one of percent and amountMinor');
    }
    if (concession.amountMinor !== undefined && concession.headId === undefined) {
      throw badFeeInput('headId', 'an amount is taken off one head: send headId');
    }
    const found = await this.concessions.references(concession);
    if (!found.student) throw feeThingNotFound('student')();
    if (!found.year) throw feeThingNotFound('academic year')();
    if (!found.head) throw feeThingNotFound('fee head')();
    let id: string;
    try {
      id = await this.concessions.insert(concession, caller.userId);
    } catch (error) {
      // Deleted by another request after the check above: the same 404 as if never there.
      const gone = isForeignKeyViolation(error) && VANISHED[pgErrorOf(error)?.constraint ?? ''];
      if (gone) throw feeThingNotFound(gone)();
      throw error;
    }
    return this.concessions.find(id);
  }

  remove(id: string): Promise<void> {
    return this.concessions.delete(id);
  }
}
