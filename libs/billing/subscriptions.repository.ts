import { Injectable } from '@nestjs/common';
import { execute, selectRows } from '@schoolyard/common';
import { PlatformDatabase, TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { type LimitedResource } from './billing.errors';
import { type PlanView, type SubscriptionState } from './dto/billing.dto';
import { minorUnitsOf, minorUnitsToNumber } from './money';

export interface PlanRow {
  code: string;
  name: string;
  price_minor: string;
  currency: string;
  period_months: number;
  max_students: number | null;
  max_staff: number | null;
  purchasable: boolean;
}

export interface SchoolSubscriptionRow extends Omit<PlanRow, 'code' | 'name'> {
  plan_code: string;
  plan_name: string;
  state: SubscriptionState;
  current_period_start: Date;
  current_period_end: Date;
  active_students: number;
  active_staff: number;
}

export interface PlanLimitsRow {
  plan_name: string;
  max_students: number | null;
  max_staff: number | null;
}

/** The period a payment pays for, and where the subscription's current period then starts. */
export interface CreditedPeriod {
  starts: string;
  subscription_starts: string;
  ends: string;
}

export function planView(row: PlanRow): PlanView {
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

const ACTIVE_COUNT: Record<LimitedResource, string> = {
  students: `SELECT count(*)::int AS n FROM students WHERE status = 'active'`,
  staff: `SELECT count(*)::int AS n FROM staff WHERE status = 'active'`,
};

/**
 * Plans and subscriptions. Plans are read by the API's login role, one statement each; a school
 * reads its own subscription inside its transaction through `public.school_subscription`; a
 * manager argument is the caller's platform transaction (registration, a payment's credit).
 */
@Injectable()
export class SubscriptionsRepository {
  constructor(
    private readonly platform: PlatformDatabase,
    private readonly tenant: TenantContext,
  ) {}

  async isActivePlan(code: string): Promise<boolean> {
    const found = await this.platform.query<unknown[]>(
      'SELECT 1 FROM public.plans WHERE code = $1 AND active',
      [code],
    );
    return found.length > 0;
  }

  activePlans(): Promise<PlanRow[]> {
    return this.platform.query<PlanRow[]>(
      `SELECT code, name, price_minor, currency, period_months, max_students, max_staff, purchasable
         FROM public.plans WHERE active ORDER BY sort_order, code`,
    );
  }

  /** False when the plan is not active: the school then has no subscription to start. */
  async insertTrial(
    manager: EntityManager,
    trial: { schoolId: string; planCode: string; days: number },
  ): Promise<boolean> {
    const started = await execute(
      manager,
      `INSERT INTO public.subscriptions
           (organization_id, plan_code, state, current_period_start, current_period_end)
       SELECT $1, p.code, 'trialing', now(), now() + make_interval(days => $3)
         FROM public.plans p WHERE p.code = $2 AND p.active`,
      [trial.schoolId, trial.planCode, trial.days],
    );
    return started > 0;
  }

  /**
   * The calling school's subscription, in its transaction, with what it uses of its limits.
   * Two statements, not one: a statement that calls a platform function beside the school's
   * tables could be sent whole to the school's node under Citus (docs/SCALE-OUT.md).
   */
  async findSchoolSubscription(): Promise<SchoolSubscriptionRow | undefined> {
    const manager = this.tenant.manager;
    const [subscription] = await selectRows<
      Omit<SchoolSubscriptionRow, 'active_students' | 'active_staff'>
    >(manager, 'SELECT * FROM public.school_subscription(false)');
    if (!subscription) return undefined;
    const [usage] = await selectRows<
      Pick<SchoolSubscriptionRow, 'active_students' | 'active_staff'>
    >(
      manager,
      `SELECT (SELECT count(*) FROM students WHERE status = 'active')::int AS active_students,
              (SELECT count(*) FROM staff WHERE status = 'active')::int AS active_staff`,
    );
    return { ...subscription, ...usage };
  }

  /**
   * The calling school's limits, its subscription row locked until the school's transaction
   * ends, so two requests cannot both count 49 of 50 and both add one.
   */
  async lockSchoolLimits(): Promise<PlanLimitsRow | undefined> {
    const [row] = await selectRows<PlanLimitsRow>(
      this.tenant.manager,
      'SELECT plan_name, max_students, max_staff FROM public.school_subscription(true)',
    );
    return row;
  }

  async countActive(resource: LimitedResource): Promise<number> {
    const [{ n }] = await selectRows<{ n: number }>(this.tenant.manager, ACTIVE_COUNT[resource]);
    return n;
  }

  async lockSubscription(manager: EntityManager, schoolId: string): Promise<void> {
    await selectRows(
      manager,
      'SELECT 1 FROM public.subscriptions WHERE organization_id = $1 FOR UPDATE',
      [schoolId],
    );
  }

  /**
   * Paying for the plan the school is on, while it runs, adds time after the current period;
   * anything else (a trial, another plan, a lapsed subscription) starts a new period now.
   */
  async creditedPeriod(
    manager: EntityManager,
    payment: { schoolId: string; planCode: string; periods: number },
  ): Promise<CreditedPeriod | undefined> {
    const [period] = await selectRows<CreditedPeriod>(
      manager,
      `SELECT c.starts::text, c.subscription_starts::text,
              (c.starts + make_interval(months => $3 * p.period_months))::text AS ends
         FROM public.subscriptions s
         JOIN public.plans p ON p.code = $2
         CROSS JOIN LATERAL (
           SELECT s.plan_code = p.code AND s.state = 'active' AND s.current_period_end > now()
                  AS renewing) r
         CROSS JOIN LATERAL (
           SELECT CASE WHEN r.renewing THEN s.current_period_end ELSE now() END AS starts,
                  CASE WHEN r.renewing THEN s.current_period_start ELSE now() END
                  AS subscription_starts) c
        WHERE s.organization_id = $1`,
      [payment.schoolId, payment.planCode, payment.periods],
    );
    return period;
  }

  async activate(
    manager: EntityManager,
    schoolId: string,
    plan: { planCode: string; periodStart: string; periodEnd: string },
  ): Promise<void> {
    await execute(
      manager,
      `UPDATE public.subscriptions
          SET plan_code = $2, state = 'active', current_period_start = $3::timestamptz,
              current_period_end = $4::timestamptz, updated_at = now()
        WHERE organization_id = $1`,
      [schoolId, plan.planCode, plan.periodStart, plan.periodEnd],
    );
  }
}
