import { Injectable } from '@nestjs/common';
import { selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  SCHOOL_CURRENCY_SQL,
  SCHOOL_TODAY_SQL,
  statusWhenIssued,
  takeNumbers,
} from './fees-ledger';

export type Schedule = 'once' | 'monthly' | 'per_term';

/** What the run's ids name in this school (null: not found here). */
export interface RunScope {
  yearStartsOn: string;
  yearEndsOn: string;
  levelId: string | null;
  sectionLevelId: string | null;
  term: { startsOn: string; endsOn: string } | null;
  currency: string;
}

export interface Period {
  key: string;
  startsOn: string;
  endsOn: string;
  schedule: Schedule;
}

export interface PlannedLine {
  kind: 'fee';
  headId: string;
  description: string;
  amountMinor: number;
  concessionMinor: number;
  netMinor: number;
}

/** One student of the run, as the plan reads them. */
export interface PlannedStudent {
  studentId: string;
  studentName: string;
  admissionNumber: string;
  invoiced: boolean;
  structureId: string | null;
  billedDays: number;
  periodDays: number;
  dueOn: string | null;
  totalMinor: string;
  lines: PlannedLine[];
}

const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

/** The caller's profile here (their staff one first), from their account id: who wrote it. */
export const callerProfile = (userId: string) => `(
  SELECT p.id FROM profiles p WHERE p.user_id = ${userId}::uuid
   ORDER BY (p.kind = 'staff') DESC, p.created_at LIMIT 1)`;

/*
 * The whole run in one statement, whatever the number of students: who is billed (a
 * membership of the level's sections, or the one section, during the period, and active),
 * their structure (the level's, else its program's), whether the period is already invoiced,
 * each line pro-rated from the day a mid-year admission first joined the level (half up, in
 * integers) and reduced by the student's concessions (never below zero).
 * $1 year, $2 level, $3 section or null, $4 period start, $5 period end, $6 schedule, $7 key.
 */
const PLAN_SQL = `
WITH structure AS (
  SELECT coalesce(
    (SELECT fs.id FROM fee_structures fs WHERE fs.academic_year_id = $1 AND fs.level_id = $2),
    (SELECT fs.id FROM fee_structures fs JOIN academic_levels l ON l.program_id = fs.program_id
      WHERE fs.academic_year_id = $1 AND l.id = $2)) AS id
), lines AS MATERIALIZED (
  SELECT fl.head_id, h.name, fl.amount_minor, fl.due_day
    FROM fee_structure_lines fl JOIN fee_heads h ON h.id = fl.head_id
   WHERE fl.structure_id = (SELECT id FROM structure) AND fl.schedule = $6
), pupils AS MATERIALIZED (
  -- One pass over the level's memberships of the year: when each student first joined the
  -- level, and whether a membership (in the section, when one is named) covers the period.
  SELECT st.profile_id AS student_id, st.admission_number,
         concat_ws(' ', p.first_name, p.last_name) AS name, m.first_joined
    FROM (SELECT ss.student_id, min(ss.joined_on) AS first_joined,
                 bool_or(($3::uuid IS NULL OR sec.id = $3) AND ss.joined_on <= $5::date
                         AND (ss.left_on IS NULL OR ss.left_on > $4::date)) AS covered
            FROM section_students ss JOIN sections sec ON sec.id = ss.section_id
           WHERE sec.academic_year_id = $1 AND sec.level_id = $2
           GROUP BY ss.student_id) m
    JOIN students st ON st.profile_id = m.student_id
    JOIN profiles p ON p.id = st.profile_id
   WHERE m.covered AND st.status = 'active'
), shares AS MATERIALIZED (
  SELECT pu.*, ($5::date - $4::date + 1) AS period_days,
         CASE WHEN $6 <> 'once' AND pu.first_joined > $4::date THEN $5::date - pu.first_joined + 1
              ELSE $5::date - $4::date + 1 END AS billed_days,
         EXISTS (SELECT 1 FROM fee_invoices i
                  WHERE i.student_id = pu.student_id AND i.academic_year_id = $1
                    AND i.period_key = $7 AND i.status <> 'void') AS invoiced
    FROM pupils pu
)
SELECT s.student_id AS "studentId", s.name AS "studentName",
       s.admission_number AS "admissionNumber", s.invoiced,
       (SELECT id FROM structure) AS "structureId",
       s.billed_days AS "billedDays", s.period_days AS "periodDays",
       ${day('least($4::date + (min(d.due_day) - 1), $5::date)')} AS "dueOn",
       coalesce(sum(d.amount - d.concession), 0)::bigint AS "totalMinor",
       coalesce(json_agg(json_build_object('kind', 'fee', 'headId', d.head_id,
                  'description', d.name, 'amountMinor', d.amount,
                  'concessionMinor', d.concession, 'netMinor', d.amount - d.concession)
                ORDER BY d.due_day, d.name) FILTER (WHERE d.head_id IS NOT NULL), '[]') AS lines
  FROM shares s
  -- Each student's lines beside their row: joining a CTE of all lines on the student would
  -- make the planner, which cannot count a CTE's rows, loop over every line per student.
  LEFT JOIN LATERAL (
    SELECT l.head_id, l.name, l.due_day, c.amount,
           least(c.amount, coalesce((
             SELECT sum(CASE WHEN fc.percent IS NOT NULL
                             THEN round(c.amount * fc.percent / 100)::bigint
                             ELSE least(fc.amount_minor, c.amount) END)
               FROM fee_concessions fc
              WHERE fc.student_id = s.student_id AND fc.academic_year_id = $1
                AND (fc.head_id IS NULL OR fc.head_id = l.head_id)), 0)) AS concession
      FROM lines l
     CROSS JOIN LATERAL (
       SELECT (l.amount_minor * s.billed_days * 2 + s.period_days) / (2 * s.period_days) AS amount
     ) c
     WHERE NOT s.invoiced AND c.amount > 0
  ) d ON true
 GROUP BY s.student_id, s.name, s.admission_number, s.invoiced, s.billed_days, s.period_days
 ORDER BY s.name, s.student_id`;

/** Invoices and their lines from the plan's arrays, in one statement. */
const WRITE_SQL = `
WITH planned AS (
  SELECT * FROM unnest($1::uuid[], $2::date[], $3::bigint[], $4::int[])
         WITH ORDINALITY AS n(student_id, due_on, total, billed, ord)
), invoices AS (
  INSERT INTO fee_invoices (number, student_id, academic_year_id, structure_id, period_key,
                            period_starts_on, period_ends_on, issued_on, due_on, status, currency,
                            total_minor, billed_days, period_days, created_by)
  SELECT $5::bigint + n.ord - 1, n.student_id, $6, $7, $8, $9, $10, ${SCHOOL_TODAY_SQL}, n.due_on,
         ${statusWhenIssued('$11::text', 'n.total')}, ${SCHOOL_CURRENCY_SQL}, n.total, n.billed, $12,
         ${callerProfile('$13')}
    FROM planned n
  RETURNING id, student_id
)
INSERT INTO fee_invoice_lines (invoice_id, kind, head_id, description, amount_minor, concession_minor)
SELECT i.id, 'fee', l.head_id, l.description, l.amount, l.concession
  FROM unnest($14::uuid[], $15::uuid[], $16::text[], $17::bigint[], $18::bigint[])
       AS l(student_id, head_id, description, amount, concession)
  JOIN invoices i ON i.student_id = l.student_id`;

/** Invoice generation: reads the run in one statement, writes it in two. */
@Injectable()
export class InvoiceGenerationRepository {
  constructor(private readonly tenant: TenantContext) {}

  async scope(
    yearId: string,
    levelId: string | null,
    sectionId: string | null,
    termId: string | null,
  ): Promise<RunScope | undefined> {
    return selectRow<RunScope>(
      this.tenant.manager,
      `SELECT ${day('y.starts_on')} AS "yearStartsOn", ${day('y.ends_on')} AS "yearEndsOn",
              (SELECT l.id FROM academic_levels l WHERE l.id = $2) AS "levelId",
              (SELECT s.level_id FROM sections s WHERE s.id = $3 AND s.academic_year_id = y.id)
                AS "sectionLevelId",
              (SELECT json_build_object('startsOn', t.starts_on, 'endsOn', t.ends_on)
                 FROM terms t WHERE t.id = $4 AND t.academic_year_id = y.id) AS term,
              ${SCHOOL_CURRENCY_SQL} AS currency
         FROM academic_years y WHERE y.id = $1`,
      [yearId, levelId, sectionId, termId],
    );
  }

  plan(yearId: string, levelId: string, sectionId: string | null, period: Period) {
    return selectRows<PlannedStudent>(this.tenant.manager, PLAN_SQL, [
      yearId,
      levelId,
      sectionId,
      period.startsOn,
      period.endsOn,
      period.schedule,
      period.key,
    ]);
  }

  /** Numbers are taken last, right before the insert, so the counter stays locked briefly. */
  async write(
    yearId: string,
    period: Period,
    students: PlannedStudent[],
    status: 'issued' | 'draft',
    callerUserId: string,
  ): Promise<void> {
    const manager = this.tenant.manager;
    const lines = students.flatMap((s) =>
      s.lines.map((line) => ({ studentId: s.studentId, line })),
    );
    const first = await takeNumbers(manager, 'invoice', students.length);
    await selectRows(manager, WRITE_SQL, [
      students.map((s) => s.studentId),
      students.map((s) => s.dueOn),
      students.map((s) => s.totalMinor),
      students.map((s) => s.billedDays),
      first.toString(),
      yearId,
      students[0].structureId,
      period.key,
      period.startsOn,
      period.endsOn,
      status,
      students[0].periodDays,
      callerUserId,
      lines.map((l) => l.studentId),
      lines.map((l) => l.line.headId),
      lines.map((l) => l.line.description),
      lines.map((l) => String(l.line.amountMinor)),
      lines.map((l) => String(l.line.concessionMinor)),
    ]);
  }
}
