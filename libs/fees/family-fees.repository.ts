import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type FamilyFeesView } from './dto/online.dto';
import { invoiceStatusSql, SCHOOL_CURRENCY_SQL } from './fees-ledger';

/** Whose account a signed-in caller reads without a permission: their own, or a child's. */
export type FamilyViewpoint = 'self' | 'guardian';

/** Which student the viewpoint reaches, as a condition on `stu` ($1 the account, $2 the id asked). */
const STUDENT_IN_REACH: Record<FamilyViewpoint, string> = {
  self: `$2::uuid IS NULL AND stu.profile_id IN (SELECT p.id FROM profiles p WHERE p.user_id = $1)`,
  guardian: `stu.profile_id = $2 AND EXISTS (
              SELECT 1 FROM student_guardians sg JOIN profiles gp ON gp.id = sg.guardian_id
               WHERE sg.student_id = stu.profile_id AND gp.user_id = $1)`,
};

/** A family's view of one student's account with the school, in one statement. */
@Injectable()
export class FamilyFeesRepository {
  constructor(private readonly tenant: TenantContext) {}

  async account(
    viewpoint: FamilyViewpoint,
    userId: string,
    studentId: string | null,
  ): Promise<FamilyFeesView | undefined> {
    const row = await selectRow<{ view: FamilyFeesView }>(
      this.tenant.manager,
      `SELECT json_build_object(
         'student', json_build_object('id', stu.profile_id, 'firstName', p.first_name,
                                      'lastName', p.last_name, 'admissionNumber', stu.admission_number),
         'currency', ${SCHOOL_CURRENCY_SQL},
         'creditMinor', (SELECT coalesce(sum(c.amount_minor), 0) FROM fee_credit_entries c
                          WHERE c.student_id = stu.profile_id),
         'onlinePayment', EXISTS (SELECT 1 FROM fee_merchant_accounts),
         'invoices', coalesce((SELECT json_agg(json_build_object(
             'id', i.id, 'number', 'INV-' || lpad(i.number::text, 6, '0'), 'periodKey', i.period_key,
             'periodStartsOn', i.period_starts_on, 'periodEndsOn', i.period_ends_on,
             'dueOn', i.due_on, 'status', ${invoiceStatusSql('i')}, 'totalMinor', i.total_minor,
             'creditedMinor', i.credited_minor, 'paidMinor', i.paid_minor,
             'balanceMinor', i.balance_minor) ORDER BY i.period_starts_on DESC, i.number DESC)
           FROM fee_invoices i WHERE i.student_id = stu.profile_id AND i.status <> 'draft'), '[]'),
         'receipts', coalesce((SELECT json_agg(json_build_object(
             'id', r.id, 'number', 'R-' || lpad(r.number::text, 6, '0'), 'invoiceId', r.invoice_id,
             'method', r.method, 'amountMinor', r.amount_minor, 'appliedMinor', r.applied_minor,
             'receivedOn', r.received_on) ORDER BY r.received_at DESC, r.number DESC)
           FROM fee_receipts r WHERE r.student_id = stu.profile_id), '[]')
       ) AS view
         FROM students stu JOIN profiles p ON p.id = stu.profile_id
        WHERE ${STUDENT_IN_REACH[viewpoint]}
        ORDER BY stu.profile_id LIMIT 1`,
      [userId, studentId],
    );
    return row?.view;
  }
}
