import { Injectable } from '@nestjs/common';
import { queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { staffProfileOf } from './counter-payments.repository';
import {
  type CounterMethod,
  type RefundCreditDto,
  type RefundPage,
  type RefundView,
  type StudentFilterQuery,
} from './dto/payments.dto';
import { printedNumber, SCHOOL_CURRENCY_SQL, SCHOOL_TODAY_SQL } from './fees-ledger';
import { moneyOf } from './receipts.repository';

interface RefundRow {
  id: string;
  number: string;
  student_id: string;
  student_name: string;
  amount_minor: string;
  currency: string;
  method: CounterMethod;
  reference: string | null;
  reason: string;
  refunded_by: string | null;
  refunded_at: Date;
  refunded_on: string;
}

const REFUND_COLUMNS = `f.id, f.number::text AS number, f.student_id,
  concat_ws(' ', sp.first_name, sp.last_name) AS student_name,
  f.amount_minor::text AS amount_minor, ${SCHOOL_CURRENCY_SQL} AS currency, f.method, f.reference,
  f.reason, nullif(concat_ws(' ', rb.first_name, rb.last_name), '') AS refunded_by,
  f.refunded_at, to_char(f.refunded_on, 'YYYY-MM-DD') AS refunded_on`;

const REFUND_FROM = `fee_refunds f
  JOIN profiles sp ON sp.id = f.student_id
  LEFT JOIN profiles rb ON rb.id = f.refunded_by`;

/** Refunds: a student's credit paid back out, each with its negative entry on the account. */
@Injectable()
export class RefundsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The refund and the entry that spends the credit, in one statement. */
  async write(
    number: bigint,
    studentId: string,
    refund: RefundCreditDto,
    userId: string,
  ): Promise<string> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `WITH refund AS (
         INSERT INTO fee_refunds (number, student_id, amount_minor, method, reference, reason,
                                  refunded_by, refunded_on)
         VALUES ($1, $2, $3, $4, $5, $6, ${staffProfileOf(7)}, ${SCHOOL_TODAY_SQL})
         RETURNING id
       ), spent AS (
         INSERT INTO fee_credit_entries (student_id, amount_minor, kind, refund_id)
         SELECT $2, -$3::bigint, 'refund', refund.id FROM refund
       )
       SELECT id FROM refund`,
      [
        number.toString(),
        studentId,
        refund.amountMinor.toString(),
        refund.method,
        refund.reference ?? null,
        refund.reason,
        userId,
      ],
    );
    return row!.id;
  }

  async byId(id: string): Promise<RefundView | undefined> {
    const row = await selectRow<RefundRow>(
      this.tenant.manager,
      `SELECT ${REFUND_COLUMNS} FROM ${REFUND_FROM} WHERE f.id = $1`,
      [id],
    );
    return row && refundView(row);
  }

  async page(query: StudentFilterQuery): Promise<RefundPage> {
    const { rows, meta } = await queryPage<RefundRow>(
      this.tenant.manager,
      {
        select: REFUND_COLUMNS,
        from: REFUND_FROM,
        where: 'WHERE ($1::uuid IS NULL OR f.student_id = $1)',
        orderBy: 'f.number DESC',
      },
      [query.studentId ?? null],
      query,
    );
    return { data: rows.map(refundView), meta };
  }
}

function refundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    number: printedNumber('RF', row.number),
    studentId: row.student_id,
    studentName: row.student_name,
    amountMinor: moneyOf(row.amount_minor),
    currency: row.currency,
    method: row.method,
    reference: row.reference,
    reason: row.reason,
    refundedBy: row.refunded_by,
    refundedAt: row.refunded_at,
    refundedOn: row.refunded_on,
  };
}
