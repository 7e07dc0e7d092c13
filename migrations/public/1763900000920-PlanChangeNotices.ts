import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A school's rate limits are cached with the school by its host (SchoolDirectory), so a
 * change of plan (a payment, a maintainer's UPDATE) or of a plan's limits must tell every
 * API instance, as changes to organizations and domains already do. Without it a new plan
 * applied only when the cache entry expired, and that TTL is meant as the bound for lost
 * notices, not as the normal delay.
 */
export class PlanChangeNotices1763900000920 implements MigrationInterface {
  name = 'PlanChangeNotices1763900000920';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION notify_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'subscriptions' THEN
          PERFORM pg_notify('school_directory',
                            'school:' || COALESCE(NEW.organization_id, OLD.organization_id));
        ELSE
          -- A plan's limits changed: every school on it, which is rare enough to forget all.
          PERFORM pg_notify('school_directory', 'all');
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER subscriptions_notify_directory
      AFTER INSERT OR DELETE OR UPDATE OF plan_code ON subscriptions
      FOR EACH ROW EXECUTE FUNCTION notify_plan_change()`);
    await db.query(`
      CREATE TRIGGER plans_notify_directory
      AFTER UPDATE OF requests_per_minute, client_requests_per_minute ON plans
      FOR EACH ROW EXECUTE FUNCTION notify_plan_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER plans_notify_directory ON plans`);
    await db.query(`DROP TRIGGER subscriptions_notify_directory ON subscriptions`);
    await db.query(`DROP FUNCTION notify_plan_change()`);
  }
}
