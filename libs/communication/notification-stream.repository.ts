import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';

/** The stream's one query, at opening. */
@Injectable()
export class NotificationStreamRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * The caller's profiles in this school (staff and guardian at once, say). The transaction's
   * only statement: its COMMIT travels with it and the connection goes back to the pool.
   */
  async profilesOf(userId: string): Promise<string[]> {
    const rows = await this.tenant.finalQuery<Array<{ id: string }>>(
      'SELECT id FROM profiles WHERE user_id = $1',
      [userId],
    );
    return rows.map((row) => row.id);
  }
}
