import { Injectable } from '@nestjs/common';
import { pseudonymiseStudentTrail } from '@schoolyard/audit';
import { PlanLimits } from '@schoolyard/billing';
import { inUse } from '@schoolyard/common';
import { CallerAccess, forbidden } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type EnrollStudentDto,
  type StudentListQuery,
  type StudentPage,
  type StudentView,
  type UpdateStudentDto,
} from './dto/students.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { StudentsRepository } from './students.repository';

@Injectable()
export class StudentsService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly students: StudentsRepository,
    private readonly caller: CallerAccess,
    private readonly accounts: PortalAccountControls,
    private readonly limits: PlanLimits,
  ) {}

  /** The profile and the student record together, in the request's one transaction; no account yet. */
  async enroll(student: EnrollStudentDto): Promise<StudentView> {
    await this.limits.assertRoomFor('students');
    return this.get(await this.students.insertStudent(student));
  }

  /**
   * One query for the page (with its total), then its accounts if any of its people has one:
   * that read is the handler's last, so COMMIT goes with it (two writes in all, with or without
   * accounts), the same for 10 students or 100.
   */
  async list(query: StudentListQuery): Promise<StudentPage> {
    const { rows, meta } = await this.students.pageOfStudents(query);
    return { data: await this.students.views(rows, true), meta };
  }

  async get(id: string): Promise<StudentView> {
    const [student] = await this.students.views([await this.students.find(id)]);
    return { ...student, guardians: await this.students.guardiansOf(id) };
  }

  async update(id: string, changes: UpdateStudentDto): Promise<StudentView> {
    const plan = this.students.planChanges(changes);
    const current = await this.students.find(id, true);
    // Back to active takes a place under the plan's limit, like an enrolment.
    if (changes.status === 'active' && current.status !== 'active') {
      await this.limits.assertRoomFor('students');
    }
    await this.students.applyChanges(id, plan);
    return this.get(id);
  }

  /**
   * Withdraws by default. `permanent` deletes the profile and its records for good and closes
   * the account here, as portal deactivation does: that needs students.purge. The audit
   * entries about the student stay, pseudonymised.
   */
  async remove(id: string, permanent: boolean): Promise<void> {
    if (!permanent) {
      await this.students.find(id, true);
      await this.students.setStatus(id, 'withdrawn');
      return;
    }
    if (!this.caller.has('students.purge')) throw forbidden(['students.purge']);
    const student = await this.students.find(id, true);
    // A student the school billed or took money from stays on the books: withdraw them instead.
    const fees = await this.students.feeRecords(id);
    const kept = Object.fromEntries(Object.entries(fees).filter(([, n]) => n > 0));
    if (Object.keys(kept).length) throw inUse(kept);
    // Their access here ends as portal deactivation ends it (what the same account needs as
    // someone else here stays; the last Owner is refused), then the record goes.
    await this.accounts.close(this.tenant.manager, 'student', [student]);
    await this.students.deleteProfile(id);
    // In the same transaction: the trail keeps what happened, no longer to whom.
    await pseudonymiseStudentTrail(this.tenant.manager, id, student.user_id);
  }
}
