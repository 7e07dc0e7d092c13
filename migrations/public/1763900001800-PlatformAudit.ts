import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The platform's own audit trail: what maintainers and the platform did to schools (CLI
 * lifecycle commands, fleet migrations, backups and restores, platform payments). Schools'
 * own changes are in each school's `audit_events`. Neither the request login nor any school
 * role may read or write it: only the owner account (the CLI, fleet jobs) and the platform
 * role, which may insert (payments are recorded from requests) but never change a row.
 */
export class PlatformAudit1763900001800 implements MigrationInterface {
  name = 'PlatformAudit1763900001800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE platform_audit_events (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at              timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Who acted: 'cli:<operating-system user>', 'job:<queue>', or 'account:<uuid>'.
        actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
        request_id      text,
        -- e.g. school.suspended, school.migrated, school.backed_up, payment.completed
        action          text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
        -- Kept when the school is dropped: the trail outlives the school.
        organization_id uuid,
        school_slug     text,
        details         jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX platform_audit_events_at_idx ON platform_audit_events (at);
      CREATE INDEX platform_audit_events_org_idx ON platform_audit_events (organization_id, at);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE platform_audit_events`);
  }
}
