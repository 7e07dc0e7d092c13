import { Injectable } from '@nestjs/common';
import { type NotificationsWritten, writeNotifications } from '@schoolyard/communication';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { SCHOOL_TODAY_SQL } from './fees-ledger';

/** An overdue invoice's balance as the school prints money: "NPR 3,250.00". */
const BALANCE_TEXT = `i.currency || ' ' || to_char(i.balance_minor / 100.0, 'FM999,999,999,990.00')`;

/**
 * Every invoice overdue today (issued or partly paid, past its due day, something owed): the
 * student and their guardians, one notice per invoice and person and day.
 */
const OVERDUE_RECIPIENTS = `
  SELECT who.profile_id,
         'fee-reminder:' || i.id || ':' || to_char(${SCHOOL_TODAY_SQL}, 'YYYY-MM-DD') AS source_key,
         'Fee overdue: INV-' || lpad(i.number::text, 6, '0') AS title,
         sp.first_name || ' ' || sp.last_name || ' owes ' || ${BALANCE_TEXT}
           || ' on invoice INV-' || lpad(i.number::text, 6, '0') || ', due on '
           || to_char(i.due_on, 'YYYY-MM-DD') || '.' AS body,
         jsonb_build_object('invoiceId', i.id, 'studentId', i.student_id,
                            'balanceMinor', i.balance_minor, 'currency', i.currency) AS data
    FROM fee_invoices i
    JOIN profiles sp ON sp.id = i.student_id
   CROSS JOIN LATERAL (SELECT i.student_id AS profile_id
                       UNION
                       SELECT sg.guardian_id FROM student_guardians sg
                        WHERE sg.student_id = i.student_id) who
   WHERE i.status IN ('issued', 'partly_paid') AND i.balance_minor > 0
     AND i.due_on < ${SCHOOL_TODAY_SQL}`;

@Injectable()
export class FeeRemindersRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** How many invoices are overdue today. */
  async overdueInvoices(): Promise<number> {
    const row = await selectRow<{ n: number }>(
      this.tenant.manager,
      `SELECT count(*)::int AS n FROM fee_invoices i
        WHERE i.status IN ('issued', 'partly_paid') AND i.balance_minor > 0
          AND i.due_on < ${SCHOOL_TODAY_SQL}`,
    );
    return row?.n ?? 0;
  }

  /** The notices, in one statement however many invoices are overdue. */
  notifyOverdue(): Promise<NotificationsWritten> {
    return writeNotifications(this.tenant.manager, {
      perRecipient: true,
      category: 'fees',
      channels: ['email'],
      recipientsSql: OVERDUE_RECIPIENTS,
    });
  }
}
