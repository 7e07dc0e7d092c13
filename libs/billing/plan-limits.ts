import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type LimitedResource, noSubscription, planLimitReached } from './billing.errors';

const ACTIVE_COUNT: Record<LimitedResource, string> = {
  students: `SELECT count(*)::int AS n FROM students WHERE status = 'active'`,
  staff: `SELECT count(*)::int AS n FROM staff WHERE status = 'active'`,
};

/**
 * The plan's limits, checked inside the school's transaction just before the write that would
 * pass them. The subscription row stays locked until that transaction ends, so two requests
 * cannot both count 49 of 50 and both add one.
 */
@Injectable()
export class PlanLimits {
  constructor(private readonly tenant: TenantContext) {}

  async assertRoomFor(resource: LimitedResource): Promise<void> {
    const manager = this.tenant.manager;
    const [plan]: Array<{
      plan_name: string;
      max_students: number | null;
      max_staff: number | null;
    }> = await manager.query(
      'SELECT plan_name, max_students, max_staff FROM public.school_subscription(true)',
    );
    if (!plan) throw noSubscription();
    const limit = resource === 'students' ? plan.max_students : plan.max_staff;
    if (limit === null) return;
    // A statement of its own, so its snapshot is taken after the lock was granted and sees
    // whatever the request that held it committed.
    const [{ n }]: Array<{ n: number }> = await manager.query(ACTIVE_COUNT[resource]);
    if (n >= limit) throw planLimitReached(resource, limit, plan.plan_name);
  }
}
