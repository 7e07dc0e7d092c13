import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/** How many people a school holds, of each kind. */
export interface PeopleCounts {
  students: number;
  staff: number;
  guardians: number;
}

/** The school's plan limits beside its active people. */
export interface PlanUsage {
  plan_code: string;
  max_students: number | null;
  max_staff: number | null;
  students: number;
  staff: number;
}

/** What seeding asks of the school as a whole, in the seeding transaction. */
@Injectable()
export class TestDataRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Two seeds of one school at once would both count, then both add. */
  async lockSchoolForSeeding(): Promise<void> {
    await selectRow(
      this.tenant.manager,
      `SELECT pg_advisory_xact_lock(hashtext('seed:' || current_schema()))`,
    );
  }

  async countPeople(): Promise<PeopleCounts> {
    const row = await selectRow<PeopleCounts>(
      this.tenant.manager,
      `SELECT (SELECT count(*)::int FROM students) AS students,
              (SELECT count(*)::int FROM staff) AS staff,
              (SELECT count(*)::int FROM guardians) AS guardians`,
    );
    return row ?? { students: 0, staff: 0, guardians: 0 };
  }

  /**
   * Undefined when the school has no subscription. The platform function is called alone in
   * its statement, as everywhere (docs/SCALE-OUT.md: Citus could run a mixed one on a worker).
   */
  async planUsage(): Promise<PlanUsage | undefined> {
    const plan = await selectRow<Pick<PlanUsage, 'plan_code' | 'max_students' | 'max_staff'>>(
      this.tenant.manager,
      'SELECT plan_code, max_students, max_staff FROM public.school_subscription(false)',
    );
    if (!plan) return undefined;
    const used = await selectRow<Pick<PlanUsage, 'students' | 'staff'>>(
      this.tenant.manager,
      `SELECT (SELECT count(*)::int FROM students WHERE status = 'active') AS students,
              (SELECT count(*)::int FROM staff WHERE status = 'active') AS staff`,
    );
    return used && { ...plan, ...used };
  }
}
