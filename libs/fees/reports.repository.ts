import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type CollectionsView,
  type DuesView,
  type StatementEntryView,
  type StatementView,
} from './dto/reports.dto';
import { SCHOOL_CURRENCY_SQL, SCHOOL_TODAY_SQL } from './fees-ledger';

/*
 * The fee reports, each ONE statement whatever the number of students or payments, and the
 * transaction's last (COMMIT rides with it). Sums of bigint leave PostgreSQL inside JSON, so
 * they arrive as exact JSON numbers, never through a float.
 */

const ymd = (expression: string) => `to_char(${expression}, 'YYYY-MM-DD')`;

const COLLECTIONS = `
  WITH r AS (
    SELECT received_on AS day, method, count(*)::int AS n, sum(amount_minor) AS amount
      FROM fee_receipts WHERE received_on BETWEEN $1::date AND $2::date GROUP BY 1, 2
  ), f AS (
    SELECT refunded_on AS day, count(*)::int AS n, sum(amount_minor) AS amount
      FROM fee_refunds WHERE refunded_on BETWEEN $1::date AND $2::date GROUP BY 1
  ), m AS (
    SELECT method, sum(n)::int AS n, sum(amount) AS amount FROM r GROUP BY method
  ), sums AS (
    SELECT (SELECT coalesce(sum(n), 0)::int FROM r) AS received_n,
           (SELECT coalesce(sum(amount), 0) FROM r) AS received,
           (SELECT coalesce(sum(n), 0)::int FROM f) AS refunded_n,
           (SELECT coalesce(sum(amount), 0) FROM f) AS refunded
  )
  SELECT $1::text AS "from", $2::text AS "to", ${SCHOOL_CURRENCY_SQL} AS currency,
    coalesce((SELECT json_agg(json_build_object('date', ${ymd('day')}, 'method', method,
        'count', n, 'amountMinor', amount) ORDER BY day, method) FROM r), '[]') AS receipts,
    coalesce((SELECT json_agg(json_build_object('date', ${ymd('day')}, 'count', n,
        'amountMinor', amount) ORDER BY day) FROM f), '[]') AS refunds,
    json_build_object('receiptCount', received_n, 'receivedMinor', received,
      'refundCount', refunded_n, 'refundedMinor', refunded, 'netMinor', received - refunded,
      'byMethod', coalesce((SELECT json_agg(json_build_object('method', method, 'count', n,
        'amountMinor', amount) ORDER BY method) FROM m), '[]')) AS totals
  FROM sums`;

const AGED = `json_build_object('notDue', not_due, 'd0_30', d0_30, 'd31_60', d31_60,
    'd61_90', d61_90, 'd90Plus', d90_plus)`;

/**
 * Days past due = the day asked − due_on: below 0 not yet due, 0..30 (due already, up to a
 * month late), 31..60, 61..90, above 90. A student's section is their open membership.
 */
const DUES = `
  WITH asked AS (SELECT coalesce($1::date, ${SCHOOL_TODAY_SQL}) AS on_day),
  found AS (
    SELECT ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM academic_years WHERE id = $2)) AS year,
           ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM academic_levels WHERE id = $3)) AS level,
           ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM sections WHERE id = $4)) AS section
  ), membership AS (
    SELECT DISTINCT ON (ss.student_id) ss.student_id, s.id AS section_id, s.name AS section_name,
           s.level_id
      FROM section_students ss JOIN sections s ON s.id = ss.section_id
     WHERE ss.left_on IS NULL
     ORDER BY ss.student_id, ss.joined_on DESC
  ), owed AS (
    SELECT i.student_id, i.balance_minor AS amount, asked.on_day - i.due_on AS late
      FROM fee_invoices i CROSS JOIN asked
     WHERE i.status IN ('issued', 'partly_paid') AND i.balance_minor > 0
       AND ($2::uuid IS NULL OR i.academic_year_id = $2)
  ), per_student AS (
    SELECT o.student_id, count(*)::int AS invoices,
           coalesce(sum(o.amount) FILTER (WHERE o.late < 0), 0) AS not_due,
           coalesce(sum(o.amount) FILTER (WHERE o.late BETWEEN 0 AND 30), 0) AS d0_30,
           coalesce(sum(o.amount) FILTER (WHERE o.late BETWEEN 31 AND 60), 0) AS d31_60,
           coalesce(sum(o.amount) FILTER (WHERE o.late BETWEEN 61 AND 90), 0) AS d61_90,
           coalesce(sum(o.amount) FILTER (WHERE o.late > 90), 0) AS d90_plus,
           sum(o.amount) AS total
      FROM owed o LEFT JOIN membership ms ON ms.student_id = o.student_id
     WHERE ($3::uuid IS NULL OR ms.level_id = $3) AND ($4::uuid IS NULL OR ms.section_id = $4)
     GROUP BY o.student_id
  ), listed AS (
    SELECT ps.*, p.first_name, p.last_name, st.admission_number, ms.section_name
      FROM per_student ps
      JOIN students st ON st.profile_id = ps.student_id
      JOIN profiles p ON p.id = ps.student_id
      LEFT JOIN membership ms ON ms.student_id = ps.student_id
  )
  SELECT ${ymd('asked.on_day')} AS "on", ${SCHOOL_CURRENCY_SQL} AS currency,
    found.year AS "yearFound", found.level AS "levelFound", found.section AS "sectionFound",
    coalesce((SELECT json_agg(json_build_object('studentId', student_id,
        'firstName', first_name, 'lastName', last_name, 'admissionNumber', admission_number,
        'sectionName', section_name, 'invoices', invoices, 'agedMinor', ${AGED},
        'totalMinor', total) ORDER BY lower(last_name), lower(first_name), student_id)
      FROM listed), '[]') AS students,
    (SELECT json_build_object('students', count(*)::int, 'agedMinor', json_build_object(
        'notDue', coalesce(sum(not_due), 0), 'd0_30', coalesce(sum(d0_30), 0),
        'd31_60', coalesce(sum(d31_60), 0), 'd61_90', coalesce(sum(d61_90), 0),
        'd90Plus', coalesce(sum(d90_plus), 0)), 'totalMinor', coalesce(sum(total), 0))
       FROM listed) AS totals
  FROM asked, found`;

/**
 * A student's account in date order: invoices charge them (their net total), credit notes and
 * receipts are in their favour, refunds pay their credit back out. Draft and void invoices are
 * not on it (nor the credit notes of those). With a year: that year's invoices, what was paid or
 * credited against them, and refunds dated within the year.
 */
const STATEMENT = `
  WITH year AS (SELECT id, starts_on, ends_on FROM academic_years WHERE id = $2),
  inv AS (
    SELECT * FROM fee_invoices
     WHERE student_id = $1 AND status NOT IN ('draft', 'void')
       AND ($2::uuid IS NULL OR academic_year_id = $2)
  ), entries AS (
    SELECT i.issued_on AS day, 1 AS rank, 'invoice' AS kind, i.id, i.number,
           CASE WHEN i.period_key = 'annual' THEN 'Fees for the year'
                WHEN i.period_key LIKE 'term:%' THEN 'Fees for ' || coalesce(
                  (SELECT t.name FROM terms t WHERE t.id::text = substr(i.period_key, 6)), 'a term')
                ELSE 'Fees for ' || i.period_key END AS description,
           i.total_minor AS debit, 0::bigint AS credit, i.created_at AS at
      FROM inv i
    UNION ALL
    SELECT cn.issued_on, 2, 'credit_note', cn.id, cn.number, cn.reason, 0, cn.amount_minor,
           cn.issued_at
      FROM fee_credit_notes cn WHERE cn.invoice_id IN (SELECT id FROM inv)
    UNION ALL
    SELECT r.received_on, 3, 'receipt', r.id, r.number,
           'Paid by ' || r.method || coalesce(' (' || r.reference || ')', ''), 0, r.amount_minor,
           r.received_at
      FROM fee_receipts r
     WHERE r.student_id = $1
       AND ($2::uuid IS NULL OR r.invoice_id IN (SELECT id FROM fee_invoices
                                                  WHERE academic_year_id = $2))
    UNION ALL
    SELECT f.refunded_on, 4, 'refund', f.id, f.number, f.reason, f.amount_minor, 0, f.refunded_at
      FROM fee_refunds f
     WHERE f.student_id = $1
       AND ($2::uuid IS NULL OR f.refunded_on BETWEEN (SELECT starts_on FROM year)
                                                  AND (SELECT ends_on FROM year))
  ), ordered AS (
    SELECT *, sum(debit - credit) OVER (ORDER BY day, rank, at, number ROWS UNBOUNDED PRECEDING)
                AS running
      FROM entries
  )
  SELECT json_build_object('id', st.profile_id, 'firstName', p.first_name,
           'lastName', p.last_name, 'admissionNumber', st.admission_number) AS student,
         $2::uuid AS "academicYearId", ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM year))
           AS "yearFound", ${SCHOOL_CURRENCY_SQL} AS currency,
         coalesce((SELECT json_agg(json_build_object('date', ${ymd('day')}, 'kind', kind,
             'id', id, 'number', number, 'description', description, 'debitMinor', debit,
             'creditMinor', credit, 'runningBalanceMinor', running)
             ORDER BY day, rank, at, number) FROM ordered), '[]') AS entries,
         to_json((SELECT coalesce(sum(amount_minor), 0) FROM fee_credit_entries
                   WHERE student_id = $1)) AS "creditMinor",
         to_json((SELECT coalesce(sum(balance_minor), 0) FROM inv)) AS "balanceMinor"
    FROM students st JOIN profiles p ON p.id = st.profile_id
   WHERE st.profile_id = $1`;

export type DuesRow = DuesView & {
  yearFound: boolean;
  levelFound: boolean;
  sectionFound: boolean;
};

/** Entries' numbers come as stored (the service prints them); `yearFound` is for the 404. */
export type StatementRow = Omit<StatementView, 'entries'> & {
  yearFound: boolean;
  entries: Array<Omit<StatementEntryView, 'number'> & { number: number }>;
};

@Injectable()
export class ReportsRepository {
  constructor(private readonly tenant: TenantContext) {}

  async collections(from: string, to: string): Promise<CollectionsView> {
    const [row] = await this.tenant.finalQuery<CollectionsView[]>(COLLECTIONS, [from, to]);
    return row;
  }

  async dues(
    on: string | null,
    academicYearId: string | null,
    levelId: string | null,
    sectionId: string | null,
  ): Promise<DuesRow> {
    const [row] = await this.tenant.finalQuery<DuesRow[]>(DUES, [
      on,
      academicYearId,
      levelId,
      sectionId,
    ]);
    return row;
  }

  /** Undefined when the school has no such student. */
  async statement(
    studentId: string,
    academicYearId: string | null,
  ): Promise<StatementRow | undefined> {
    const [row] = await this.tenant.finalQuery<StatementRow[]>(STATEMENT, [
      studentId,
      academicYearId,
    ]);
    return row;
  }
}
