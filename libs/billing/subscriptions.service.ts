import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type EntityManager } from 'typeorm';
import { noSubscription, trialPlanUnavailable } from './billing.errors';
import { type PlanView, type SubscriptionState, type SubscriptionView } from './dto/billing.dto';
import { planView, SubscriptionsRepository } from './subscriptions.repository';

/**
 * Plans and each school's subscription. Plans are read by the API's login role; a school reads
 * its own subscription from inside its transaction through `public.school_subscription`.
 */
@Injectable()
export class Subscriptions implements OnApplicationBootstrap {
  constructor(
    private readonly repository: SubscriptionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A misspelt BILLING_TRIAL_PLAN stops start-up, rather than every registration later. */
  async onApplicationBootstrap(): Promise<void> {
    if (!(await this.repository.isActivePlan(this.config.billing.trialPlan))) {
      throw new Error(
        `Invalid configuration: BILLING_TRIAL_PLAN names "${this.config.billing.trialPlan}", which is not an active plan`,
      );
    }
  }

  async plans(): Promise<PlanView[]> {
    return (await this.repository.activePlans()).map(planView);
  }

  /**
   * Runs in the registration's transaction (the owner account's), so a school never exists
   * without its subscription, nor a subscription without its school.
   */
  async startTrial(manager: EntityManager, schoolId: string): Promise<void> {
    const started = await this.repository.insertTrial(manager, {
      schoolId,
      planCode: this.config.billing.trialPlan,
      days: this.config.billing.trialDays,
    });
    if (!started) throw trialPlanUnavailable();
  }

  /** The calling school's subscription, in its transaction, with what it uses of its limits. */
  async current(): Promise<SubscriptionView> {
    const row = await this.repository.findSchoolSubscription();
    if (!row) throw noSubscription();
    return {
      plan: planView({ ...row, code: row.plan_code, name: row.plan_name }),
      state: effectiveState(row.state, row.current_period_end),
      currentPeriodStart: row.current_period_start,
      currentPeriodEnd: row.current_period_end,
      usage: {
        students: { active: row.active_students, limit: row.max_students },
        staff: { active: row.active_staff, limit: row.max_staff },
      },
    };
  }
}

/** A period that ended without a payment makes a trialing or active subscription past due. */
export function effectiveState(state: SubscriptionState, periodEnd: Date): SubscriptionState {
  const running = state === 'trialing' || state === 'active';
  return running && periodEnd.getTime() <= Date.now() ? 'past_due' : state;
}
