import { Injectable } from '@nestjs/common';
import { type ProviderStatus } from '@schoolyard/billing';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { invoiceStatusSql, type StoredInvoiceStatus } from './fees-ledger';
import { type MerchantRow } from './merchant-settings.repository';

/** What settling needs to know about a payment. */
export interface OnlinePaymentRow {
  id: string;
  invoice_id: string;
  transaction_uuid: string;
  amount_minor: string;
  status: 'pending' | 'complete' | 'failed' | 'refunded';
  /** The merchant it was started with (null only for payments from before it was kept). */
  merchant_code: string | null;
  /** The invoice's currency. */
  currency: string;
}

/** A guardian's child's invoice, with what paying it online needs, read in one statement. */
export interface PayableInvoice {
  guardian_id: string;
  invoice_id: string | null;
  status: StoredInvoiceStatus | null;
  balance_minor: string | null;
  currency: string | null;
  merchant_code: string | null;
  secret_sealed: string | null;
  updated_at: Date | null;
}

export interface OnlinePaymentRecord {
  id: string;
  studentId: string;
  transactionUuid: string;
  status: string;
  providerStatus: string | null;
  providerReference: string | null;
  amountMinor: string;
  currency: string;
  invoice: { id: string; number: string; status: string; balanceMinor: number };
  receipt: { id: string; number: string; amountMinor: number } | null;
  createdAt: Date;
  checkedAt: Date | null;
  completedAt: Date | null;
}

const RECORD_SELECT = `SELECT op.id, op.student_id AS "studentId",
    op.transaction_uuid AS "transactionUuid", op.status, op.provider_status AS "providerStatus",
    op.provider_ref AS "providerReference", op.amount_minor::text AS "amountMinor",
    i.currency,
    json_build_object('id', i.id, 'number', 'INV-' || lpad(i.number::text, 6, '0'),
      'status', ${invoiceStatusSql('i')}, 'balanceMinor', i.balance_minor) AS invoice,
    (SELECT json_build_object('id', r.id, 'number', 'R-' || lpad(r.number::text, 6, '0'),
       'amountMinor', r.amount_minor) FROM fee_receipts r WHERE r.online_payment_id = op.id) AS receipt,
    op.created_at AS "createdAt", op.checked_at AS "checkedAt", op.completed_at AS "completedAt"
  FROM fee_online_payments op JOIN fee_invoices i ON i.id = op.invoice_id`;

/** Families' eSewa payments (fee_online_payments) and the school's address they return to. */
@Injectable()
export class OnlinePaymentsRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  /** The school's registered address: the browser comes back there, whatever Host it sent. */
  async primaryHostOf(schoolId: string): Promise<string> {
    const [row] = await this.platform.query<Array<{ host: string }>>(
      `SELECT host FROM public.domains WHERE organization_id = $1
        ORDER BY is_primary DESC, created_at LIMIT 1`,
      [schoolId],
    );
    return row.host;
  }

  /**
   * The invoice `invoiceId` of the child `studentId` when that child is linked to a guardian
   * profile of account `userId`; no row at all for anyone else's child.
   */
  payableInvoice(
    manager: EntityManager,
    userId: string,
    studentId: string,
    invoiceId: string,
  ): Promise<PayableInvoice | undefined> {
    return selectRow<PayableInvoice>(
      manager,
      `SELECT g.guardian_id, i.id AS invoice_id, i.status, i.balance_minor::text AS balance_minor,
              i.currency, m.merchant_code, m.secret_sealed, m.updated_at
         FROM students stu
         CROSS JOIN LATERAL (
           SELECT sg.guardian_id FROM student_guardians sg JOIN profiles gp ON gp.id = sg.guardian_id
            WHERE sg.student_id = stu.profile_id AND gp.user_id = $1 LIMIT 1) g
         LEFT JOIN fee_invoices i ON i.id = $3 AND i.student_id = stu.profile_id
         LEFT JOIN fee_merchant_accounts m ON m.provider = 'esewa'
        WHERE stu.profile_id = $2`,
      [userId, studentId, invoiceId],
    );
  }

  async insert(
    manager: EntityManager,
    payment: {
      invoiceId: string;
      studentId: string;
      transactionUuid: string;
      amountMinor: string;
      initiatedBy: string;
      merchantCode: string;
    },
  ): Promise<string> {
    const row = await selectRow<{ id: string }>(
      manager,
      `INSERT INTO fee_online_payments
         (invoice_id, student_id, transaction_uuid, amount_minor, initiated_by, merchant_code)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        payment.invoiceId,
        payment.studentId,
        payment.transactionUuid,
        payment.amountMinor,
        payment.initiatedBy,
        payment.merchantCode,
      ],
    );
    return row!.id;
  }

  /** The merchant and the payment named (by transaction or by id), in one statement. */
  async merchantAndPayment(
    manager: EntityManager,
    by: { transactionUuid: string | null } | { id: string },
  ): Promise<{ merchant: MerchantRow | undefined; payment: OnlinePaymentRow | undefined }> {
    const [where, value] =
      'id' in by ? ['id = $1::uuid', by.id] : ['transaction_uuid = $1', by.transactionUuid];
    const row = await selectRow<{ merchant: MerchantRow | null; payment: OnlinePaymentRow | null }>(
      manager,
      `SELECT (SELECT row_to_json(m) FROM (SELECT merchant_code, secret_sealed, updated_at
                 FROM fee_merchant_accounts WHERE provider = 'esewa') m) AS merchant,
              (SELECT row_to_json(p) FROM (SELECT op.id, op.invoice_id, op.transaction_uuid,
                      op.amount_minor::text AS amount_minor, op.status, op.merchant_code, i.currency
                 FROM fee_online_payments op JOIN fee_invoices i ON i.id = op.invoice_id
                WHERE op.${where}) p) AS payment`,
      [value],
    );
    return { merchant: row?.merchant ?? undefined, payment: row?.payment ?? undefined };
  }

  /** Locks the payment: a replay racing the settlement waits, then finds it done. */
  async lock(manager: EntityManager, id: string): Promise<OnlinePaymentRow> {
    const row = await selectRow<OnlinePaymentRow>(
      manager,
      `SELECT op.id, op.invoice_id, op.transaction_uuid, op.amount_minor::text AS amount_minor,
              op.status, op.merchant_code, i.currency
         FROM fee_online_payments op JOIN fee_invoices i ON i.id = op.invoice_id
        WHERE op.id = $1 FOR UPDATE OF op`,
      [id],
    );
    return row!;
  }

  /** eSewa's answer; the payment completes only with `complete`. */
  async recordStatus(manager: EntityManager, id: string, status: ProviderStatus): Promise<void> {
    await execute(
      manager,
      `UPDATE fee_online_payments
          SET status = $2, provider_status = $3, provider_ref = coalesce($4, provider_ref),
              checked_at = now(), completed_at = CASE WHEN $2 = 'complete' THEN now() END
        WHERE id = $1`,
      [id, status.outcome, status.providerStatus, status.reference],
    );
  }

  record(manager: EntityManager, id: string): Promise<OnlinePaymentRecord | undefined> {
    return selectRow<OnlinePaymentRecord>(manager, `${RECORD_SELECT} WHERE op.id = $1`, [id]);
  }

  list(manager: EntityManager, studentId: string | null): Promise<OnlinePaymentRecord[]> {
    return selectRows<OnlinePaymentRecord>(
      manager,
      `${RECORD_SELECT} WHERE $1::uuid IS NULL OR op.student_id = $1
        ORDER BY op.created_at DESC, op.id LIMIT 200`,
      [studentId],
    );
  }
}
