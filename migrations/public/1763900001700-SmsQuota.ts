import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Text messages cost the platform money, so each plan allows a number per calendar month
 * (NULL: no limit). A school reads its own allowance through `school_sms_quota()`, as it reads
 * its other limits through `school_subscription()`: its role cannot read `plans` itself.
 */
export class SmsQuota1763900001700 implements MigrationInterface {
  name = 'SmsQuota1763900001700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE plans ADD COLUMN sms_per_month integer CHECK (sms_per_month >= 0);
      UPDATE plans SET sms_per_month = CASE code
        WHEN 'trial' THEN 20 WHEN 'basic' THEN 1000 WHEN 'standard' THEN 5000 END
       WHERE code IN ('trial', 'basic', 'standard');

      CREATE FUNCTION school_sms_quota() RETURNS integer
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT p.sms_per_month
          FROM public.subscriptions s JOIN public.plans p ON p.code = s.plan_code
         WHERE s.organization_id = public.calling_school()
      $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION school_sms_quota();
      ALTER TABLE plans DROP COLUMN sms_per_month;
    `);
  }
}
