import { Injectable } from '@nestjs/common';
import { minorUnitsOf, minorUnitsToNumber } from '@schoolyard/billing';
import { queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type ReceiptMethod,
  type ReceiptPage,
  type ReceiptsQuery,
  type ReceiptView,
} from './dto/payments.dto';
import { printedNumber } from './fees-ledger';

interface ReceiptRow {
  id: string;
  number: string;
  student_id: string;
  student_name: string;
  invoice_id: string;
  invoice_number: string;
  method: ReceiptMethod;
  amount_minor: string;
  applied_minor: string;
  currency: string;
  reference: string | null;
  received_by: string | null;
  received_at: Date;
  received_on: string;
}

/** A receipt's view, over `r` (the receipt) and its joins below. */
const RECEIPT_COLUMNS = `r.id, r.number::text AS number, r.student_id,
  concat_ws(' ', sp.first_name, sp.last_name) AS student_name,
  r.invoice_id, i.number::text AS invoice_number, r.method, r.amount_minor::text AS amount_minor,
  r.applied_minor::text AS applied_minor, r.currency, r.reference,
  nullif(concat_ws(' ', rb.first_name, rb.last_name), '') AS received_by,
  r.received_at, to_char(r.received_on, 'YYYY-MM-DD') AS received_on`;

const RECEIPT_FROM = `fee_receipts r
  JOIN fee_invoices i ON i.id = r.invoice_id
  JOIN profiles sp ON sp.id = r.student_id
  LEFT JOIN profiles rb ON rb.id = r.received_by`;

/** Receipts as the office reads them: what came in, from whom, and where it went. */
@Injectable()
export class ReceiptsRepository {
  constructor(private readonly tenant: TenantContext) {}

  async byId(id: string): Promise<ReceiptView | undefined> {
    const row = await selectRow<ReceiptRow>(
      this.tenant.manager,
      `SELECT ${RECEIPT_COLUMNS} FROM ${RECEIPT_FROM} WHERE r.id = $1`,
      [id],
    );
    return row && receiptView(row);
  }

  /** Newest first; `from` and `to` are the school's days the money came in, both included. */
  async page(query: ReceiptsQuery): Promise<ReceiptPage> {
    const { rows, meta } = await queryPage<ReceiptRow>(
      this.tenant.manager,
      {
        select: RECEIPT_COLUMNS,
        from: RECEIPT_FROM,
        where: `WHERE ($1::uuid IS NULL OR r.student_id = $1)
                  AND ($2::date IS NULL OR r.received_on >= $2)
                  AND ($3::date IS NULL OR r.received_on <= $3)
                  AND ($4::text IS NULL OR r.method = $4)`,
        orderBy: 'r.number DESC',
      },
      [query.studentId ?? null, query.from ?? null, query.to ?? null, query.method ?? null],
      query,
    );
    return { data: rows.map(receiptView), meta };
  }
}

/** A bigint column (text on the wire) as a JSON number, exact or refused. */
export const moneyOf = (column: string | number) => minorUnitsToNumber(minorUnitsOf(column));

function receiptView(row: ReceiptRow): ReceiptView {
  const amount = minorUnitsOf(row.amount_minor);
  const applied = minorUnitsOf(row.applied_minor);
  return {
    id: row.id,
    number: printedNumber('R', row.number),
    studentId: row.student_id,
    studentName: row.student_name,
    invoice: { id: row.invoice_id, number: printedNumber('INV', row.invoice_number) },
    method: row.method,
    amountMinor: minorUnitsToNumber(amount),
    appliedMinor: minorUnitsToNumber(applied),
    creditedMinor: minorUnitsToNumber(amount - applied),
    currency: row.currency,
    reference: row.reference,
    receivedBy: row.received_by,
    receivedAt: row.received_at,
    receivedOn: row.received_on,
  };
}
