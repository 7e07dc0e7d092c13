import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { SCHOOL_CURRENCY_SQL, SCHOOL_TODAY_SQL, statusAfterMoney } from './fees-ledger';

export interface FinesApplied {
  on: string;
  fines: number;
  invoices: number;
  totalMinor: number;
  currency: string;
}

/*
 * Every active rule against every open invoice still owing money past its due day and the
 * rule's grace: one line per rule and invoice (the unique index makes a second run, or a
 * concurrent one, add nothing), and the invoice's total raised by its new lines. A percentage
 * is of the balance before today's fines. One statement for the whole school.
 *
 * The candidates are locked (FOR UPDATE OF i): a payment of one of them still in flight is
 * waited for, and PostgreSQL then rechecks the invoice's status and balance on the committed
 * row, so an invoice that payment settled is not fined. The status is set again from the new
 * total all the same, so an invoice never reads paid while it owes money.
 */
const APPLY_SQL = `
WITH day AS (SELECT coalesce($1::date, ${SCHOOL_TODAY_SQL}) AS on_day),
due AS (
  SELECT i.id AS invoice_id, r.id AS rule_id, r.name,
         CASE WHEN r.amount_minor IS NOT NULL THEN r.amount_minor
              ELSE round(i.balance_minor * r.percent / 100)::bigint END AS fine
    FROM fee_invoices i CROSS JOIN fee_late_fine_rules r CROSS JOIN day
   WHERE r.active AND i.status IN ('issued', 'partly_paid') AND i.balance_minor > 0
     AND i.due_on + r.grace_days < day.on_day
     AND NOT EXISTS (SELECT 1 FROM fee_invoice_lines l
                      WHERE l.invoice_id = i.id AND l.late_fine_rule_id = r.id)
     FOR UPDATE OF i
), added AS (
  INSERT INTO fee_invoice_lines (invoice_id, kind, late_fine_rule_id, description, amount_minor)
  SELECT invoice_id, 'late_fine', rule_id, name, fine FROM due WHERE fine > 0
  ON CONFLICT (invoice_id, late_fine_rule_id) WHERE late_fine_rule_id IS NOT NULL DO NOTHING
  RETURNING invoice_id, amount_minor
), raised AS (
  UPDATE fee_invoices i SET total_minor = i.total_minor + f.fined, updated_at = now(),
         status = (SELECT ${statusAfterMoney('n')} FROM (SELECT i.status, i.credited_minor,
                     i.paid_minor, i.total_minor + f.fined AS total_minor) n)
    FROM (SELECT invoice_id, sum(amount_minor) AS fined FROM added GROUP BY invoice_id) f
   WHERE i.id = f.invoice_id
  RETURNING i.id
)
SELECT to_char((SELECT on_day FROM day), 'YYYY-MM-DD') AS "on",
       (SELECT count(*) FROM added)::int AS fines, (SELECT count(*) FROM raised)::int AS invoices,
       (SELECT coalesce(sum(amount_minor), 0) FROM added)::text AS "totalMinor",
       ${SCHOOL_CURRENCY_SQL} AS currency`;

@Injectable()
export class LateFinesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The school's today, `YYYY-MM-DD`, read by PostgreSQL in the school's time zone. */
  async today(): Promise<string> {
    const row = await selectRow<{ today: string }>(
      this.tenant.manager,
      `SELECT to_char(${SCHOOL_TODAY_SQL}, 'YYYY-MM-DD') AS today`,
    );
    return row!.today;
  }

  async apply(on: string | null): Promise<FinesApplied> {
    const row = await selectRow<Omit<FinesApplied, 'totalMinor'> & { totalMinor: string }>(
      this.tenant.manager,
      APPLY_SQL,
      [on],
    );
    return { ...row!, totalMinor: Number(row!.totalMinor) };
  }
}
