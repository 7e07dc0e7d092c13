import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Mail written by a job rather than by the change that causes it (a school's absence alerts)
 * names what it is about in `dedupe_key`: a job retried after writing its mail but before
 * marking its work done writes nothing the second time.
 */
export class MailOnce1763900001500 implements MigrationInterface {
  name = 'MailOnce1763900001500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE mail_outbox ADD COLUMN dedupe_key text;
      CREATE UNIQUE INDEX mail_outbox_dedupe_key ON mail_outbox (dedupe_key)
        WHERE dedupe_key IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE mail_outbox DROP COLUMN dedupe_key`);
  }
}
