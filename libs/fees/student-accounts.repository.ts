import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type CreditEntryKind, type StudentAccountView } from './dto/payments.dto';
import { printedNumber, SCHOOL_CURRENCY_SQL } from './fees-ledger';
import { moneyOf } from './receipts.repository';

interface EntryJson {
  id: string;
  kind: CreditEntryKind;
  amount: string;
  prefix: 'R' | 'CN' | 'RF';
  number: string;
  sourceId: string;
  createdAt: string;
}

interface AccountRow {
  student_id: string;
  student_name: string;
  currency: string;
  balance: string;
  entries: EntryJson[];
}

/** A student's account with the school: the credit entries and their sum. */
@Injectable()
export class StudentAccountsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** One statement; undefined when the school has no such student. */
  async account(studentId: string): Promise<StudentAccountView | undefined> {
    const row = await selectRow<AccountRow>(
      this.tenant.manager,
      `SELECT st.profile_id AS student_id,
              concat_ws(' ', p.first_name, p.last_name) AS student_name,
              ${SCHOOL_CURRENCY_SQL} AS currency,
              (SELECT coalesce(sum(amount_minor), 0)::text FROM fee_credit_entries
                WHERE student_id = st.profile_id) AS balance,
              coalesce((
                SELECT json_agg(json_build_object(
                         'id', e.id, 'kind', e.kind, 'amount', e.amount_minor::text,
                         'prefix', CASE WHEN r.id IS NOT NULL THEN 'R'
                                        WHEN n.id IS NOT NULL THEN 'CN' ELSE 'RF' END,
                         'number', coalesce(r.number, n.number, f.number)::text,
                         'sourceId', coalesce(r.id, n.id, f.id), 'createdAt', e.created_at)
                       ORDER BY e.created_at DESC, e.id)
                  FROM fee_credit_entries e
                  LEFT JOIN fee_receipts r ON r.id = e.receipt_id
                  LEFT JOIN fee_credit_notes n ON n.id = e.credit_note_id
                  LEFT JOIN fee_refunds f ON f.id = e.refund_id
                 WHERE e.student_id = st.profile_id), '[]') AS entries
         FROM students st JOIN profiles p ON p.id = st.profile_id
        WHERE st.profile_id = $1`,
      [studentId],
    );
    if (!row) return undefined;
    return {
      studentId: row.student_id,
      studentName: row.student_name,
      currency: row.currency,
      balanceMinor: moneyOf(row.balance),
      entries: row.entries.map((entry) => ({
        id: entry.id,
        kind: entry.kind,
        amountMinor: moneyOf(entry.amount),
        source: printedNumber(entry.prefix, entry.number),
        sourceId: entry.sourceId,
        createdAt: new Date(entry.createdAt),
      })),
    };
  }

  async currency(): Promise<string> {
    const row = await selectRow<{ currency: string }>(
      this.tenant.manager,
      `SELECT ${SCHOOL_CURRENCY_SQL} AS currency`,
    );
    return row?.currency ?? 'NPR';
  }
}
