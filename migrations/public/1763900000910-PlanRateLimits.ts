import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Request rate limits belong to the plan, beside its student and staff limits: a plan is
 * data the platform changes without a release, and every school's limits follow its
 * subscription. Two numbers per plan, in requests per minute: the whole school (all its
 * people and devices together) and one client address within the school, so one runaway
 * script cannot use up the school's allowance for everyone else there.
 */
export class PlanRateLimits1763900000910 implements MigrationInterface {
  name = 'PlanRateLimits1763900000910';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE plans
        ADD COLUMN requests_per_minute integer NOT NULL DEFAULT 600
          CHECK (requests_per_minute > 0),
        ADD COLUMN client_requests_per_minute integer NOT NULL DEFAULT 300
          CHECK (client_requests_per_minute > 0);
      UPDATE plans SET requests_per_minute = 1200, client_requests_per_minute = 300
       WHERE code = 'basic';
      UPDATE plans SET requests_per_minute = 3000, client_requests_per_minute = 600
       WHERE code = 'standard';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE plans DROP COLUMN requests_per_minute, DROP COLUMN client_requests_per_minute`,
    );
  }
}
