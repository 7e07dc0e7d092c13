import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * School fees: what a school charges families, what it was paid, and what it still holds.
 *
 * - `fee_heads` name what is charged (tuition, transport, exam). `fee_structures` say what a
 *   level (or, failing one of its own, its program) pays in an academic year, as
 *   `fee_structure_lines`: a head, an amount in minor units, a schedule (once a year, monthly,
 *   per term) and a due day (the day of the period the line falls due on).
 * - `fee_concessions` take a percentage (any head, or one) or an amount (one head) off a
 *   student's lines for a year, with the reason and who approved it. `fee_late_fine_rules` add a
 *   fine to what is still owed some days after it fell due.
 * - `fee_invoices` copy their lines (`fee_invoice_lines`) when issued: a later change of a
 *   structure never rewrites them. One invoice per student, year and period (`period_key`:
 *   `annual`, `YYYY-MM` or `term:<id>`) that is not void. `total_minor` is the lines' net sum,
 *   `credited_minor` what credit notes took off, `paid_minor` what receipts paid; the balance is
 *   what is left, never below zero. The stored status is draft, issued, partly_paid, paid or void;
 *   "overdue" is read, not stored: an issued or partly paid invoice past its due day.
 * - `fee_receipts` are money received (at the counter or through eSewa), numbered without gaps
 *   from `fee_counters` (a row locked by the statement that takes the next number, so a
 *   rolled-back payment gives its number back). What a receipt paid beyond the invoice's balance
 *   becomes a credit: `fee_credit_entries` is the student's account (positive in, negative out).
 * - `fee_credit_notes` reduce an invoice; `fee_refunds` pay a student's credit back out.
 * - `fee_merchant_accounts` hold the school's own eSewa merchant code and its secret, sealed
 *   (AES-GCM under the deployment's key, the school's id as associated data); the plain secret
 *   is never stored. `fee_online_payments` are a family's eSewa payments of one invoice, settled
 *   once: the row is locked, and a completed one answers replays from the record.
 * - Invoices and receipts keep a student (RESTRICT): such a student is withdrawn, never purged.
 *   Withdrawing a student voids their invoices for periods that start after today and have
 *   nothing paid or credited (a trigger, so every path that withdraws does it).
 */
export class Fees1763900000900 implements MigrationInterface {
  name = 'Fees1763900000900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE school_settings
        ADD COLUMN currency text NOT NULL DEFAULT 'NPR' CHECK (currency ~ '^[A-Z]{3}$');

      CREATE TABLE fee_heads (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        description text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX fee_heads_name_key ON fee_heads (lower(name));

      CREATE TABLE fee_structures (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        academic_year_id uuid NOT NULL REFERENCES academic_years (id) ON DELETE RESTRICT,
        name             text NOT NULL,
        -- Exactly one: a level's own structure wins over its program's.
        program_id       uuid REFERENCES programs (id) ON DELETE RESTRICT,
        level_id         uuid REFERENCES academic_levels (id) ON DELETE RESTRICT,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(program_id, level_id) = 1)
      );
      CREATE UNIQUE INDEX fee_structures_level_key
        ON fee_structures (academic_year_id, level_id) WHERE level_id IS NOT NULL;
      CREATE UNIQUE INDEX fee_structures_program_key
        ON fee_structures (academic_year_id, program_id) WHERE program_id IS NOT NULL;

      CREATE TABLE fee_structure_lines (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        structure_id uuid NOT NULL REFERENCES fee_structures (id) ON DELETE CASCADE,
        head_id      uuid NOT NULL REFERENCES fee_heads (id) ON DELETE RESTRICT,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        schedule     text NOT NULL CHECK (schedule IN ('once', 'monthly', 'per_term')),
        -- The day of the period the line falls due: 1 is its first day.
        due_day      smallint NOT NULL DEFAULT 1 CHECK (due_day BETWEEN 1 AND 28),
        CONSTRAINT fee_structure_lines_head_key UNIQUE (structure_id, head_id, schedule)
      );

      CREATE TABLE fee_concessions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id       uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        academic_year_id uuid NOT NULL REFERENCES academic_years (id) ON DELETE RESTRICT,
        -- null: every head (a percentage only).
        head_id          uuid REFERENCES fee_heads (id) ON DELETE RESTRICT,
        percent          numeric(5, 2) CHECK (percent > 0 AND percent <= 100),
        amount_minor     bigint CHECK (amount_minor > 0),
        reason           text NOT NULL,
        approved_by      uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(percent, amount_minor) = 1),
        CHECK (amount_minor IS NULL OR head_id IS NOT NULL)
      );
      CREATE INDEX fee_concessions_student_idx ON fee_concessions (student_id, academic_year_id);

      CREATE TABLE fee_late_fine_rules (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name         text NOT NULL,
        -- Days after the due day before the fine applies.
        grace_days   integer NOT NULL CHECK (grace_days BETWEEN 0 AND 365),
        amount_minor bigint CHECK (amount_minor > 0),
        percent      numeric(5, 2) CHECK (percent > 0 AND percent <= 100),
        active       boolean NOT NULL DEFAULT true,
        created_at   timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(percent, amount_minor) = 1)
      );

      -- Gapless numbers: 'invoice' and 'receipt', each row locked while a number is taken.
      CREATE TABLE fee_counters (
        name       text PRIMARY KEY CHECK (name IN ('invoice', 'receipt', 'credit_note', 'refund')),
        last_value bigint NOT NULL DEFAULT 0 CHECK (last_value >= 0)
      );
      INSERT INTO fee_counters (name) VALUES ('invoice'), ('receipt'), ('credit_note'), ('refund');

      CREATE TABLE fee_invoices (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number           bigint NOT NULL UNIQUE,
        student_id       uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        academic_year_id uuid NOT NULL REFERENCES academic_years (id) ON DELETE RESTRICT,
        structure_id     uuid REFERENCES fee_structures (id) ON DELETE SET NULL,
        period_key       text NOT NULL CHECK (period_key ~ '^(annual|[0-9]{4}-[0-9]{2}|term:[0-9a-f-]{36})$'),
        period_starts_on date NOT NULL,
        period_ends_on   date NOT NULL,
        issued_on        date NOT NULL,
        due_on           date NOT NULL,
        status           text NOT NULL DEFAULT 'issued'
                         CHECK (status IN ('draft', 'issued', 'partly_paid', 'paid', 'void')),
        currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        total_minor      bigint NOT NULL CHECK (total_minor >= 0),
        credited_minor   bigint NOT NULL DEFAULT 0 CHECK (credited_minor >= 0),
        paid_minor       bigint NOT NULL DEFAULT 0 CHECK (paid_minor >= 0),
        balance_minor    bigint GENERATED ALWAYS AS (total_minor - credited_minor - paid_minor) STORED,
        -- Share of the period billed (mid-year admission), in days: billed / period.
        billed_days      integer NOT NULL CHECK (billed_days > 0),
        period_days      integer NOT NULL CHECK (period_days >= billed_days),
        created_by       uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        voided_at        timestamptz,
        voided_by        uuid REFERENCES profiles (id) ON DELETE SET NULL,
        void_reason      text,
        CHECK (period_ends_on >= period_starts_on),
        CHECK (total_minor - credited_minor - paid_minor >= 0),
        CHECK ((status = 'void') = (voided_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX fee_invoices_period_key
        ON fee_invoices (student_id, academic_year_id, period_key) WHERE status <> 'void';
      CREATE INDEX fee_invoices_student_idx ON fee_invoices (student_id, period_starts_on);
      CREATE INDEX fee_invoices_open_idx ON fee_invoices (due_on)
        WHERE status IN ('issued', 'partly_paid');

      CREATE TABLE fee_invoice_lines (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id        uuid NOT NULL REFERENCES fee_invoices (id) ON DELETE CASCADE,
        kind              text NOT NULL CHECK (kind IN ('fee', 'late_fine')),
        head_id           uuid REFERENCES fee_heads (id) ON DELETE RESTRICT,
        late_fine_rule_id uuid REFERENCES fee_late_fine_rules (id) ON DELETE RESTRICT,
        -- Copied when the invoice is written: the head's name may change later, this may not.
        description       text NOT NULL,
        amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
        concession_minor  bigint NOT NULL DEFAULT 0 CHECK (concession_minor >= 0),
        net_minor         bigint GENERATED ALWAYS AS (amount_minor - concession_minor) STORED,
        CHECK (concession_minor <= amount_minor),
        CHECK ((kind = 'fee') = (head_id IS NOT NULL)),
        CHECK ((kind = 'late_fine') = (late_fine_rule_id IS NOT NULL))
      );
      CREATE INDEX fee_invoice_lines_invoice_idx ON fee_invoice_lines (invoice_id);
      -- A rule fines an invoice once.
      CREATE UNIQUE INDEX fee_invoice_lines_fine_key
        ON fee_invoice_lines (invoice_id, late_fine_rule_id) WHERE late_fine_rule_id IS NOT NULL;

      CREATE TABLE fee_online_payments (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        invoice_id       uuid NOT NULL REFERENCES fee_invoices (id) ON DELETE RESTRICT,
        student_id       uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        provider         text NOT NULL DEFAULT 'esewa',
        transaction_uuid text NOT NULL UNIQUE,
        amount_minor     bigint NOT NULL CHECK (amount_minor > 0),
        status           text NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'complete', 'failed', 'refunded')),
        provider_status  text,
        provider_ref     text,
        initiated_by     uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        checked_at       timestamptz,
        completed_at     timestamptz,
        CHECK ((status = 'complete') = (completed_at IS NOT NULL))
      );
      CREATE INDEX fee_online_payments_invoice_idx ON fee_online_payments (invoice_id);

      CREATE TABLE fee_receipts (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number            bigint NOT NULL UNIQUE,
        student_id        uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        invoice_id        uuid NOT NULL REFERENCES fee_invoices (id) ON DELETE RESTRICT,
        method            text NOT NULL CHECK (method IN ('cash', 'bank', 'cheque', 'esewa')),
        amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
        -- What went to the invoice; the rest became credit.
        applied_minor     bigint NOT NULL CHECK (applied_minor >= 0),
        currency          text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        reference         text,
        online_payment_id uuid UNIQUE REFERENCES fee_online_payments (id) ON DELETE RESTRICT,
        received_by       uuid REFERENCES profiles (id) ON DELETE SET NULL,
        received_at       timestamptz NOT NULL DEFAULT now(),
        -- The school's local day it was received on, for the collections report.
        received_on       date NOT NULL,
        CHECK (applied_minor <= amount_minor),
        CHECK ((method = 'esewa') = (online_payment_id IS NOT NULL))
      );
      CREATE INDEX fee_receipts_student_idx ON fee_receipts (student_id, received_at);
      CREATE INDEX fee_receipts_day_idx ON fee_receipts (received_on, method);
      CREATE INDEX fee_receipts_invoice_idx ON fee_receipts (invoice_id);

      CREATE TABLE fee_credit_notes (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number       bigint NOT NULL UNIQUE,
        invoice_id   uuid NOT NULL REFERENCES fee_invoices (id) ON DELETE RESTRICT,
        student_id   uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        reason       text NOT NULL,
        issued_by    uuid REFERENCES profiles (id) ON DELETE SET NULL,
        issued_at    timestamptz NOT NULL DEFAULT now(),
        issued_on    date NOT NULL
      );
      CREATE INDEX fee_credit_notes_student_idx ON fee_credit_notes (student_id, issued_at);

      CREATE TABLE fee_refunds (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number       bigint NOT NULL UNIQUE,
        student_id   uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        method       text NOT NULL CHECK (method IN ('cash', 'bank', 'cheque')),
        reference    text,
        reason       text NOT NULL,
        refunded_by  uuid REFERENCES profiles (id) ON DELETE SET NULL,
        refunded_at  timestamptz NOT NULL DEFAULT now(),
        refunded_on  date NOT NULL
      );
      CREATE INDEX fee_refunds_student_idx ON fee_refunds (student_id, refunded_at);

      -- A student's account with the school: positive is money the school holds for them.
      CREATE TABLE fee_credit_entries (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id     uuid NOT NULL REFERENCES students (profile_id) ON DELETE RESTRICT,
        amount_minor   bigint NOT NULL CHECK (amount_minor <> 0),
        kind           text NOT NULL CHECK (kind IN ('excess_payment', 'credit_note', 'refund')),
        receipt_id     uuid REFERENCES fee_receipts (id) ON DELETE RESTRICT,
        credit_note_id uuid REFERENCES fee_credit_notes (id) ON DELETE RESTRICT,
        refund_id      uuid REFERENCES fee_refunds (id) ON DELETE RESTRICT,
        created_at     timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(receipt_id, credit_note_id, refund_id) = 1)
      );
      CREATE INDEX fee_credit_entries_student_idx ON fee_credit_entries (student_id);

      -- One row: the school's own eSewa merchant. The secret is sealed, never plain.
      CREATE TABLE fee_merchant_accounts (
        provider      text PRIMARY KEY CHECK (provider = 'esewa'),
        merchant_code text NOT NULL,
        secret_sealed text NOT NULL CHECK (secret_sealed LIKE 'v1.%'),
        updated_by    uuid REFERENCES profiles (id) ON DELETE SET NULL,
        updated_at    timestamptz NOT NULL DEFAULT now()
      );

      -- Withdrawing voids what was billed for later periods and not yet touched by money.
      CREATE FUNCTION fee_void_future_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE fee_invoices
           SET status = 'void', voided_at = now(), updated_at = now(),
               void_reason = 'The student was withdrawn'
         WHERE student_id = NEW.profile_id
           AND status IN ('draft', 'issued')
           AND paid_minor = 0 AND credited_minor = 0
           AND period_starts_on > (now() AT TIME ZONE (SELECT timezone FROM school_settings))::date;
        RETURN NULL;
      END $$;
      CREATE TRIGGER students_withdrawn_void_invoices
        AFTER UPDATE OF status ON students
        FOR EACH ROW WHEN (NEW.status = 'withdrawn' AND OLD.status <> 'withdrawn')
        EXECUTE FUNCTION fee_void_future_invoices();
    `);

    // ---- Review fixes (issue 24), added before release ----
    await db.query(`
      -- The merchant a payment was started with: eSewa is asked about it under that code, even
      -- once the school has set another merchant.
      ALTER TABLE fee_online_payments ADD COLUMN merchant_code text;
      CREATE INDEX fee_online_payments_pending_idx ON fee_online_payments (created_at)
        WHERE status = 'pending';

      -- An invoice asking nothing (a 100% concession) is stored paid: withdrawing still voids
      -- it for a later period, as it would an untouched issued one.
      CREATE OR REPLACE FUNCTION fee_void_future_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE fee_invoices
           SET status = 'void', voided_at = now(), updated_at = now(),
               void_reason = 'The student was withdrawn'
         WHERE student_id = NEW.profile_id
           AND (status IN ('draft', 'issued') OR (status = 'paid' AND total_minor = 0))
           AND paid_minor = 0 AND credited_minor = 0
           AND period_starts_on > (now() AT TIME ZONE (SELECT timezone FROM school_settings))::date;
        RETURN NULL;
      END $$;
    `);
    // ---- end of review fixes ----
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TRIGGER students_withdrawn_void_invoices ON students;
      DROP FUNCTION fee_void_future_invoices();
      DROP TABLE fee_merchant_accounts, fee_credit_entries, fee_refunds, fee_credit_notes,
        fee_receipts, fee_online_payments, fee_invoice_lines, fee_invoices, fee_counters,
        fee_late_fine_rules, fee_concessions, fee_structure_lines, fee_structures, fee_heads;
      ALTER TABLE school_settings DROP COLUMN currency;
    `);
  }
}
