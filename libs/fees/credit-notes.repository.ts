import { Injectable } from '@nestjs/common';
import { queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { staffProfileOf } from './counter-payments.repository';
import {
  type CreditNotePage,
  type CreditNoteView,
  type StudentFilterQuery,
} from './dto/payments.dto';
import {
  printedNumber,
  SCHOOL_TODAY_SQL,
  statusAfterMoney,
  type StoredInvoiceStatus,
} from './fees-ledger';
import { moneyOf } from './receipts.repository';

export interface InvoiceMoney {
  student_id: string;
  status: StoredInvoiceStatus;
  total_minor: string;
  credited_minor: string;
  paid_minor: string;
  currency: string;
}

export interface CreditNoteToWrite {
  number: bigint;
  invoiceId: string;
  studentId: string;
  amountMinor: bigint;
  reason: string;
  /** Paid money the note frees: it leaves the invoice for the student's credit. */
  movedMinor: bigint;
  userId: string;
}

interface CreditNoteRow {
  id: string;
  number: string;
  student_id: string;
  student_name: string;
  invoice_id: string;
  invoice_number: string;
  amount_minor: string;
  moved_minor: string;
  currency: string;
  reason: string;
  issued_by: string | null;
  issued_at: Date;
  issued_on: string;
}

const NOTE_COLUMNS = `n.id, n.number::text AS number, n.student_id,
  concat_ws(' ', sp.first_name, sp.last_name) AS student_name, n.invoice_id,
  i.number::text AS invoice_number, n.amount_minor::text AS amount_minor,
  coalesce(ce.amount_minor, 0)::text AS moved_minor, i.currency, n.reason,
  nullif(concat_ws(' ', ib.first_name, ib.last_name), '') AS issued_by, n.issued_at,
  to_char(n.issued_on, 'YYYY-MM-DD') AS issued_on`;

const NOTE_FROM = `fee_credit_notes n
  JOIN fee_invoices i ON i.id = n.invoice_id
  JOIN profiles sp ON sp.id = n.student_id
  LEFT JOIN profiles ib ON ib.id = n.issued_by
  LEFT JOIN fee_credit_entries ce ON ce.credit_note_id = n.id`;

/** Credit notes: what was taken off invoices, and the paid money that became credit. */
@Injectable()
export class CreditNotesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The invoice's money, its row locked until the transaction ends; undefined when none. */
  lockInvoice(id: string): Promise<InvoiceMoney | undefined> {
    return selectRow<InvoiceMoney>(
      this.tenant.manager,
      `SELECT student_id, status, total_minor::text AS total_minor,
              credited_minor::text AS credited_minor, paid_minor::text AS paid_minor, currency
         FROM fee_invoices WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  /**
   * The note, the invoice's new money and status, and the credit entry, in one statement. The
   * status is the shared rule read over the money as it will be (`money`).
   */
  async write(note: CreditNoteToWrite): Promise<string> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `WITH note AS (
         INSERT INTO fee_credit_notes (number, invoice_id, student_id, amount_minor, reason,
                                       issued_by, issued_on)
         VALUES ($1, $2, $3, $4, $5, ${staffProfileOf(6)}, ${SCHOOL_TODAY_SQL})
         RETURNING id
       ), invoice AS (
         UPDATE fee_invoices i
            SET credited_minor = money.credited_minor, paid_minor = money.paid_minor,
                status = ${statusAfterMoney('money')}, updated_at = now()
           FROM (SELECT id, status, total_minor, credited_minor + $4::bigint AS credited_minor,
                        paid_minor - $7::bigint AS paid_minor
                   FROM fee_invoices WHERE id = $2) money
          WHERE i.id = money.id
       ), credit AS (
         INSERT INTO fee_credit_entries (student_id, amount_minor, kind, credit_note_id)
         SELECT $3, $7::bigint, 'credit_note', note.id FROM note WHERE $7::bigint > 0
       )
       SELECT id FROM note`,
      [
        note.number.toString(),
        note.invoiceId,
        note.studentId,
        note.amountMinor.toString(),
        note.reason,
        note.userId,
        note.movedMinor.toString(),
      ],
    );
    return row!.id;
  }

  async byId(id: string): Promise<CreditNoteView | undefined> {
    const row = await selectRow<CreditNoteRow>(
      this.tenant.manager,
      `SELECT ${NOTE_COLUMNS} FROM ${NOTE_FROM} WHERE n.id = $1`,
      [id],
    );
    return row && noteView(row);
  }

  async page(query: StudentFilterQuery): Promise<CreditNotePage> {
    const { rows, meta } = await queryPage<CreditNoteRow>(
      this.tenant.manager,
      {
        select: NOTE_COLUMNS,
        from: NOTE_FROM,
        where: 'WHERE ($1::uuid IS NULL OR n.student_id = $1)',
        orderBy: 'n.number DESC',
      },
      [query.studentId ?? null],
      query,
    );
    return { data: rows.map(noteView), meta };
  }
}

function noteView(row: CreditNoteRow): CreditNoteView {
  return {
    id: row.id,
    number: printedNumber('CN', row.number),
    studentId: row.student_id,
    studentName: row.student_name,
    invoice: { id: row.invoice_id, number: printedNumber('INV', row.invoice_number) },
    amountMinor: moneyOf(row.amount_minor),
    movedToCreditMinor: moneyOf(row.moved_minor),
    currency: row.currency,
    reason: row.reason,
    issuedBy: row.issued_by,
    issuedAt: row.issued_at,
    issuedOn: row.issued_on,
  };
}
