import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What schools pay the platform: plans, one subscription per school, payments through a
 * provider (eSewa first) and a journal of what happened to them. Money is integer minor
 * units (paisa for NPR) everywhere; `total_minor` is derived so it cannot disagree.
 *
 * A school's transaction runs as the school's role, which has no privilege here: it reads its
 * own subscription (and locks it, so counting and enrolling cannot race past a limit) through
 * `school_subscription`, a SECURITY DEFINER function like those of PortalAccounts. Payments
 * are worked on by the API's login role outside any school's transaction (prepare-database
 * grants it exactly that).
 */
export class Billing1763900000700 implements MigrationInterface {
  name = 'Billing1763900000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE plans (
        code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]{1,39}$'),
        name          text NOT NULL,
        price_minor   bigint NOT NULL CHECK (price_minor >= 0),
        currency      text NOT NULL DEFAULT 'NPR' CHECK (currency ~ '^[A-Z]{3}$'),
        period_months integer NOT NULL DEFAULT 1 CHECK (period_months BETWEEN 1 AND 12),
        -- NULL: no limit.
        max_students  integer CHECK (max_students >= 0),
        max_staff     integer CHECK (max_staff >= 0),
        -- A trial is given, never bought.
        purchasable   boolean NOT NULL DEFAULT true,
        active        boolean NOT NULL DEFAULT true,
        sort_order    integer NOT NULL DEFAULT 0,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT purchasable OR price_minor > 0)
      );
      INSERT INTO plans (code, name, price_minor, max_students, max_staff, purchasable, sort_order) VALUES
        ('trial',    'Trial',    0,      50,   10,  false, 0),
        ('basic',    'Basic',    250000, 300,  30,  true,  1),
        ('standard', 'Standard', 600000, 1500, 150, true,  2);

      CREATE TABLE subscriptions (
        organization_id      uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        plan_code            text NOT NULL REFERENCES plans (code),
        state                text NOT NULL CHECK (state IN ('trialing', 'active', 'past_due', 'canceled')),
        current_period_start timestamptz NOT NULL,
        current_period_end   timestamptz NOT NULL CHECK (current_period_end > current_period_start),
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      );
      -- Schools made before billing start on the trial, like a new school.
      INSERT INTO subscriptions (organization_id, plan_code, state, current_period_start, current_period_end)
      SELECT id, 'trial', 'trialing', now(), now() + interval '30 days' FROM organizations;

      -- Payments are accounting records: a school with payments is archived, not deleted.
      CREATE TABLE payments (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id  uuid NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
        provider         text NOT NULL,
        transaction_uuid text NOT NULL UNIQUE,
        plan_code        text NOT NULL REFERENCES plans (code),
        periods          integer NOT NULL CHECK (periods BETWEEN 1 AND 36),
        amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
        tax_minor        bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
        total_minor      bigint GENERATED ALWAYS AS (amount_minor + tax_minor) STORED,
        currency         text NOT NULL,
        status           text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'complete', 'failed', 'refunded')),
        -- The provider's last word on it (eSewa: COMPLETE, PENDING, NOT_FOUND, ...) and its reference.
        provider_status  text,
        provider_ref     text,
        -- The subscription time this payment bought, set when it completes.
        period_start     timestamptz,
        period_end       timestamptz,
        initiated_by     uuid,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        checked_at       timestamptz,
        completed_at     timestamptz,
        CHECK ((status = 'complete') = (completed_at IS NOT NULL AND period_end IS NOT NULL))
      );
      CREATE INDEX payments_organization_idx ON payments (organization_id, created_at DESC);
      CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pending';

      -- Every refused callback (with why), every status check and every completion.
      CREATE TABLE payment_events (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The school whose address the event came through (a refused callback may name
        -- another school's payment).
        organization_id  uuid REFERENCES organizations (id) ON DELETE CASCADE,
        payment_id       uuid REFERENCES payments (id) ON DELETE CASCADE,
        transaction_uuid text,
        kind             text NOT NULL
                         CHECK (kind IN ('callback_refused', 'provider_unavailable', 'provider_status', 'completed')),
        reason           text,
        detail           jsonb NOT NULL DEFAULT '{}',
        created_at       timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX payment_events_payment_idx ON payment_events (payment_id);
      CREATE INDEX payment_events_organization_idx ON payment_events (organization_id, created_at);

      -- The calling school's subscription and plan; with lock, its row stays locked until the
      -- school's transaction ends, so "count, then add one" is never run twice at once.
      CREATE FUNCTION school_subscription(lock boolean)
        RETURNS TABLE (plan_code text, plan_name text, price_minor bigint, currency text,
                       period_months integer, max_students integer, max_staff integer,
                       purchasable boolean, state text, current_period_start timestamptz,
                       current_period_end timestamptz)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE school uuid := public.calling_school();
      BEGIN
        IF lock THEN
          PERFORM 1 FROM public.subscriptions s WHERE s.organization_id = school FOR UPDATE;
        END IF;
        RETURN QUERY
          SELECT p.code, p.name, p.price_minor, p.currency, p.period_months, p.max_students,
                 p.max_staff, p.purchasable, s.state, s.current_period_start, s.current_period_end
            FROM public.subscriptions s JOIN public.plans p ON p.code = s.plan_code
           WHERE s.organization_id = school;
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION school_subscription(boolean);
      DROP TABLE payment_events, payments, subscriptions, plans;
    `);
  }
}
