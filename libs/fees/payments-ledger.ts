import { selectRow, validationFailed } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';
import { feeThingNotFound, invoiceStatusRefused } from './fees.errors';
import { SCHOOL_TODAY_SQL, statusAfterMoney, type StoredInvoiceStatus } from './fees-ledger';

export type PaymentMethod = 'cash' | 'bank' | 'cheque' | 'esewa';

export interface PaymentToApply {
  invoiceId: string;
  method: PaymentMethod;
  amountMinor: bigint;
  reference: string | null;
  /** The profile that took the money (null for eSewa: nobody at the school did). */
  receivedBy: string | null;
  /** The settled eSewa payment the receipt is for. */
  onlinePaymentId?: string | null;
  /** The school's day the money came in (YYYY-MM-DD), when not today: a cheque banked late. */
  receivedOn?: string | null;
  /**
   * Statuses in which the invoice takes no payment. The counter refuses draft and void
   * invoices; money eSewa already took is never refused (a void invoice's becomes credit).
   */
  refuseWhen: readonly StoredInvoiceStatus[];
}

export interface AppliedPayment {
  receiptId: string;
  receiptNumber: string;
  studentId: string;
  amountMinor: bigint;
  /** What went to the invoice's balance. */
  appliedMinor: bigint;
  /** What went to the student's credit. */
  creditedMinor: bigint;
  currency: string;
}

interface LockedInvoice {
  student_id: string;
  status: StoredInvoiceStatus;
  balance_minor: string;
  currency: string;
}

/**
 * Takes money against one invoice. The invoice row is locked first, so payments of one invoice
 * run one after another and each reads the balance the previous one left: a balance is never
 * paid twice. What exceeds the balance (all of it, for an invoice already paid or void) becomes
 * the student's credit. The receipt's number comes from the locked counter in the same
 * statement that writes it, so numbers have no gaps. Two statements, whatever happened before.
 */
export async function applyPayment(
  manager: EntityManager,
  payment: PaymentToApply,
): Promise<AppliedPayment> {
  // The receipt's CHECK would refuse it too, but as a 500: say what is wrong instead.
  if (payment.amountMinor <= 0n) {
    throw validationFailed([
      { field: 'amountMinor', problems: ['amountMinor must be at least 1'] },
    ]);
  }
  const invoice = await selectRow<LockedInvoice>(
    manager,
    `SELECT student_id, status, balance_minor, currency FROM fee_invoices WHERE id = $1 FOR UPDATE`,
    [payment.invoiceId],
  );
  if (!invoice) throw feeThingNotFound('invoice')();
  if (payment.refuseWhen.includes(invoice.status)) {
    const allowed = (['issued', 'partly_paid', 'paid'] as const).filter(
      (status) => !payment.refuseWhen.includes(status),
    );
    throw invoiceStatusRefused(invoice.status, allowed);
  }
  const balance = invoice.status === 'void' ? 0n : BigInt(invoice.balance_minor);
  const applied = payment.amountMinor < balance ? payment.amountMinor : balance;
  const excess = payment.amountMinor - applied;
  const receipt = await selectRow<{ id: string; number: string }>(
    manager,
    `WITH next AS (
       UPDATE fee_counters SET last_value = last_value + 1 WHERE name = 'receipt'
       RETURNING last_value
     ), receipt AS (
       INSERT INTO fee_receipts (number, student_id, invoice_id, method, amount_minor, applied_minor,
                                 currency, reference, online_payment_id, received_by, received_on)
       SELECT next.last_value, $1, $2, $3, $4, $5, $6, $7, $8, $9,
              coalesce($11::date, ${SCHOOL_TODAY_SQL}) FROM next
       RETURNING id, number
     ), invoice AS (
       -- The status is the shared rule read over the money as it will be, so a
       -- draft paid through eSewa stays a draft like everywhere else.
       UPDATE fee_invoices i
          SET paid_minor = money.paid_minor, status = ${statusAfterMoney('money')},
              updated_at = now()
         FROM (SELECT id, status, total_minor, credited_minor, paid_minor + $5 AS paid_minor
                 FROM fee_invoices WHERE id = $2) money
        WHERE i.id = money.id AND $5::bigint > 0
     ), credit AS (
       INSERT INTO fee_credit_entries (student_id, amount_minor, kind, receipt_id)
       SELECT $1, $10, 'excess_payment', receipt.id FROM receipt WHERE $10::bigint > 0
     )
     SELECT id, number::text AS number FROM receipt`,
    [
      invoice.student_id,
      payment.invoiceId,
      payment.method,
      payment.amountMinor.toString(),
      applied.toString(),
      invoice.currency,
      payment.reference,
      payment.onlinePaymentId ?? null,
      payment.receivedBy,
      excess.toString(),
      payment.receivedOn ?? null,
    ],
  );
  if (!receipt) throw new Error('the receipt counter is missing');
  return {
    receiptId: receipt.id,
    receiptNumber: receipt.number,
    studentId: invoice.student_id,
    amountMinor: payment.amountMinor,
    appliedMinor: applied,
    creditedMinor: excess,
    currency: invoice.currency,
  };
}
