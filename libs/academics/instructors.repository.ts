import { Injectable } from '@nestjs/common';
import { selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound } from './academics.errors';

/** The staff who may teach or be a homeroom instructor. */
@Injectable()
export class InstructorsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * An instructor is an active staff member of this school. Locked FOR KEY SHARE so they cannot
   * be removed before the row that points at them is written.
   */
  async lockInstructor(staffId: string): Promise<void> {
    const rows = await selectRows(
      this.tenant.manager,
      `SELECT 1 FROM staff WHERE profile_id = $1 AND status = 'active' FOR KEY SHARE`,
      [staffId],
    );
    if (rows.length === 0) throw notFound('instructor')();
  }
}
