import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A family's eSewa payment of a school fee lives in the school's schema
 * (`fee_online_payments`), not in `public.payments`. Its refused callbacks, status checks and
 * completion go to the same journal as the platform's own payments, naming the school's payment
 * in `fee_payment_id`: a soft link, as every reference from `public` into a school is.
 */
export class FeePaymentJournal1763900001600 implements MigrationInterface {
  name = 'FeePaymentJournal1763900001600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE payment_events ADD COLUMN fee_payment_id uuid;
      ALTER TABLE payment_events
        ADD CONSTRAINT payment_events_one_payment CHECK (payment_id IS NULL OR fee_payment_id IS NULL);
      CREATE INDEX payment_events_fee_payment_idx ON payment_events (fee_payment_id)
        WHERE fee_payment_id IS NOT NULL;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE payment_events DROP COLUMN fee_payment_id`);
  }
}
