import { Injectable } from '@nestjs/common';
import { type LimitedResource, noSubscription, planLimitReached } from './billing.errors';
import { SubscriptionsRepository } from './subscriptions.repository';

/**
 * The plan's limits, checked inside the school's transaction just before the write that would
 * pass them. The subscription row stays locked until that transaction ends, so two requests
 * cannot both count 49 of 50 and both add one.
 */
@Injectable()
export class PlanLimits {
  constructor(private readonly subscriptions: SubscriptionsRepository) {}

  async assertRoomFor(resource: LimitedResource): Promise<void> {
    const plan = await this.subscriptions.lockSchoolLimits();
    if (!plan) throw noSubscription();
    const limit = resource === 'students' ? plan.max_students : plan.max_staff;
    if (limit === null) return;
    // A statement of its own, so its snapshot is taken after the lock was granted and sees
    // whatever the request that held it committed.
    const n = await this.subscriptions.countActive(resource);
    if (n >= limit) throw planLimitReached(resource, limit, plan.plan_name);
  }

  /**
   * How many more active `resource` the plan allows (null: no limit), for a bulk write that
   * counts its rows against it (imports). Locks like assertRoomFor, until the transaction ends.
   */
  async roomFor(resource: LimitedResource): Promise<{ left: number | null; limit: number | null }> {
    const plan = await this.subscriptions.lockSchoolLimits();
    if (!plan) throw noSubscription();
    const limit = resource === 'students' ? plan.max_students : plan.max_staff;
    if (limit === null) return { left: null, limit };
    const n = await this.subscriptions.countActive(resource);
    return { left: Math.max(0, limit - n), limit };
  }
}
