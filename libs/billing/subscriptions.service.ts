import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { PlatformDatabase, TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { noSubscription, trialPlanUnavailable } from './billing.errors';
import { type PlanView, type SubscriptionState, type SubscriptionView } from './dto/billing.dto';
import { minorUnitsOf, minorUnitsToNumber } from './money';

interface PlanRow {
  code: string;
  name: string;
  price_minor: string;
  currency: string;
  period_months: number;
  max_students: number | null;
  max_staff: number | null;
  purchasable: boolean;
}

interface SchoolSubscriptionRow extends Omit<PlanRow, 'code' | 'name'> {
  plan_code: string;
  plan_name: string;
  state: SubscriptionState;
  current_period_start: Date;
  current_period_end: Date;
  active_students: number;
  active_staff: number;
}

function planView(row: PlanRow): PlanView {
  return {
    code: row.code,
    name: row.name,
    priceMinor: minorUnitsToNumber(minorUnitsOf(row.price_minor)),
    currency: row.currency,
    periodMonths: row.period_months,
    maxStudents: row.max_students,
    maxStaff: row.max_staff,
    purchasable: row.purchasable,
  };
}

/**
 * Plans and each school's subscription. Plans are read by the API's login role; a school reads
 * its own subscription from inside its transaction through `public.school_subscription`.
 */
@Injectable()
export class Subscriptions implements OnApplicationBootstrap {
  constructor(
    private readonly requests: PlatformDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tenant: TenantContext,
  ) {}

  /** A misspelt BILLING_TRIAL_PLAN stops start-up, rather than every registration later. */
  async onApplicationBootstrap(): Promise<void> {
    const found: unknown[] = await this.requests.query(
      'SELECT 1 FROM public.plans WHERE code = $1 AND active',
      [this.config.billing.trialPlan],
    );
    if (found.length === 0) {
      throw new Error(
        `Invalid configuration: BILLING_TRIAL_PLAN names "${this.config.billing.trialPlan}", which is not an active plan`,
      );
    }
  }

  async plans(): Promise<PlanView[]> {
    const rows: PlanRow[] = await this.requests.query(
      `SELECT code, name, price_minor, currency, period_months, max_students, max_staff, purchasable
         FROM public.plans WHERE active ORDER BY sort_order, code`,
    );
    return rows.map(planView);
  }

  /**
   * Runs in the registration's transaction (the owner account's), so a school never exists
   * without its subscription, nor a subscription without its school.
   */
  async startTrial(manager: EntityManager, schoolId: string): Promise<void> {
    const started: unknown[] = await manager.query(
      `INSERT INTO public.subscriptions
           (organization_id, plan_code, state, current_period_start, current_period_end)
       SELECT $1, p.code, 'trialing', now(), now() + make_interval(days => $3)
         FROM public.plans p WHERE p.code = $2 AND p.active
       RETURNING organization_id`,
      [schoolId, this.config.billing.trialPlan, this.config.billing.trialDays],
    );
    if (started.length === 0) throw trialPlanUnavailable();
  }

  /** The calling school's subscription, in its transaction, with what it uses of its limits. */
  async current(): Promise<SubscriptionView> {
    const [row]: SchoolSubscriptionRow[] = await this.tenant.manager.query(
      `SELECT s.*,
              (SELECT count(*) FROM students WHERE status = 'active')::int AS active_students,
              (SELECT count(*) FROM staff WHERE status = 'active')::int AS active_staff
         FROM public.school_subscription(false) s`,
    );
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
