import { type FeesCampus, monthEnd, monthKey, monthStart } from './fees';
import { inSchema } from './school-year';

export interface InvoiceSketch {
  studentId: string;
  /** Months from today's month: each invoice of a student takes a month of its own. */
  month: number;
  totalMinor: number;
  status?: 'draft' | 'issued' | 'partly_paid' | 'paid' | 'void';
  paidMinor?: number;
  /** Days after the month's first day it falls due (default 9: the 10th). */
  dueDay?: number;
}

/**
 * A monthly tuition invoice with its one line, written with SQL as the owner: part B's
 * generation route is built alongside, and these suites need only the rows it would write.
 * The number comes from the school's counter, as the route's would.
 */
export async function invoiceFor(
  campus: FeesCampus,
  sketch: InvoiceSketch,
): Promise<{ id: string; number: string }> {
  const startsOn = monthStart(campus.today, sketch.month);
  const dueOn = `${startsOn.slice(0, 8)}${String(sketch.dueDay ?? 10).padStart(2, '0')}`;
  const status = sketch.status ?? 'issued';
  const [invoice] = await inSchema<{ id: string; number: string }>(
    campus.school,
    `WITH next AS (
       UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'invoice'
       RETURNING last_value
     ), invoice AS (
       INSERT INTO fee_invoices (number, student_id, academic_year_id, structure_id, period_key,
                                 period_starts_on, period_ends_on, issued_on, due_on, status,
                                 currency, total_minor, paid_minor, billed_days, period_days,
                                 voided_at, void_reason)
       SELECT next.last_value, $1, $2, $3, $4, $5, $6, $5, $7, $8, 'NPR', $9, $10, 30, 30,
              CASE WHEN $8 = 'void' THEN now() END, CASE WHEN $8 = 'void' THEN 'test' END
         FROM next
       RETURNING id, number
     ), line AS (
       INSERT INTO fee_invoice_lines (invoice_id, kind, head_id, description, amount_minor)
       SELECT id, 'fee', $11, 'Tuition', $9 FROM invoice
     )
     SELECT id, number::text AS number FROM invoice`,
    [
      sketch.studentId,
      campus.academicYear.id,
      campus.structure.id,
      monthKey(startsOn),
      startsOn,
      monthEnd(startsOn),
      dueOn,
      status,
      sketch.totalMinor,
      sketch.paidMinor ?? 0,
      campus.heads.tuition,
    ],
  );
  return invoice;
}
