import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { SCHOOL_TODAY_SQL } from './fees-ledger';

/**
 * The profile here of the account `$n` that acts for the school (staff or owner), as a SQL
 * expression: a guardian or student profile of the same account never signs for money.
 */
export const staffProfileOf = (n: number) => `(SELECT id FROM profiles
   WHERE user_id = $${n} AND kind IN ('staff', 'owner') ORDER BY created_at LIMIT 1)`;

/** Who stands at the counter, and the school's day it is there. */
@Injectable()
export class CounterPaymentsRepository {
  constructor(private readonly tenant: TenantContext) {}

  async cashier(userId: string): Promise<{ profileId: string | null; today: string }> {
    const row = await selectRow<{ profile_id: string | null; today: string }>(
      this.tenant.manager,
      `SELECT ${staffProfileOf(1)} AS profile_id, to_char(${SCHOOL_TODAY_SQL}, 'YYYY-MM-DD') AS today`,
      [userId],
    );
    return { profileId: row?.profile_id ?? null, today: row!.today };
  }
}
