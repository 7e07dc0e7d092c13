import { Injectable } from '@nestjs/common';
import { execute, queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type InvoiceDetailView,
  type InvoiceListQuery,
  type InvoiceMoneyRefView,
  type InvoicePage,
  type InvoiceView,
} from './dto/invoices.dto';
import {
  invoiceStatusSql,
  printedNumber,
  SCHOOL_TODAY_SQL,
  statusWhenIssued,
  type StoredInvoiceStatus,
} from './fees-ledger';
import { callerProfile } from './invoice-generation.repository';

/*
 * An invoice as the API shows it, built as JSON by PostgreSQL so that money (bigint) arrives
 * as plain numbers and dates as YYYY-MM-DD. The number is printed (INV-000042) in one place.
 */
const INVOICE_JSON = `json_build_object(
  'id', i.id, 'number', i.number, 'studentId', i.student_id,
  'studentName', concat_ws(' ', p.first_name, p.last_name),
  'admissionNumber', st.admission_number, 'academicYearId', i.academic_year_id,
  'periodKey', i.period_key, 'periodStartsOn', i.period_starts_on,
  'periodEndsOn', i.period_ends_on, 'issuedOn', i.issued_on, 'dueOn', i.due_on,
  'status', ${invoiceStatusSql('i')}, 'currency', i.currency,
  'totalMinor', i.total_minor, 'creditedMinor', i.credited_minor, 'paidMinor', i.paid_minor,
  'balanceMinor', i.balance_minor, 'billedDays', i.billed_days, 'periodDays', i.period_days,
  'voidReason', i.void_reason)`;

const INVOICE_FROM = `fee_invoices i JOIN students st ON st.profile_id = i.student_id
  JOIN profiles p ON p.id = i.student_id`;

const DETAIL_JSON = `${INVOICE_JSON}::jsonb || jsonb_build_object(
  'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', l.id, 'kind', l.kind,
              'headId', l.head_id, 'description', l.description, 'amountMinor', l.amount_minor,
              'concessionMinor', l.concession_minor, 'netMinor', l.net_minor)
              ORDER BY l.kind, l.description, l.id), '[]')
              FROM fee_invoice_lines l WHERE l.invoice_id = i.id),
  'receipts', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', r.id, 'number', r.number,
              'amountMinor', r.amount_minor, 'on', r.received_on) ORDER BY r.number), '[]')
              FROM fee_receipts r WHERE r.invoice_id = i.id),
  'creditNotes', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', c.id, 'number', c.number,
              'amountMinor', c.amount_minor, 'on', c.issued_on) ORDER BY c.number), '[]')
              FROM fee_credit_notes c WHERE c.invoice_id = i.id))`;

type Numbered<T> = Omit<T, 'number'> & { number: number };

const printed = <T extends InvoiceView>(row: Numbered<T>): T =>
  ({ ...row, number: printedNumber('INV', String(row.number)) }) as unknown as T;

export interface HeldInvoice {
  status: StoredInvoiceStatus;
  hasMoney: boolean;
}

/** Invoices: reading them, and the two changes of status made by hand. */
@Injectable()
export class InvoicesRepository {
  constructor(private readonly tenant: TenantContext) {}

  async find(id: string): Promise<InvoiceDetailView | undefined> {
    const row = await selectRow<{ invoice: Numbered<InvoiceDetailView> }>(
      this.tenant.manager,
      `SELECT ${DETAIL_JSON} AS invoice FROM ${INVOICE_FROM} WHERE i.id = $1`,
      [id],
    );
    if (!row) return undefined;
    const invoice = printed(row.invoice);
    const print = (prefix: 'R' | 'CN', refs: InvoiceMoneyRefView[]) =>
      refs.map((ref) => ({ ...ref, number: printedNumber(prefix, String(ref.number)) }));
    return {
      ...invoice,
      receipts: print('R', invoice.receipts),
      creditNotes: print('CN', invoice.creditNotes),
    };
  }

  async list(query: InvoiceListQuery): Promise<InvoicePage> {
    const filter: unknown[] = [];
    const where: string[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      if (value === undefined) return;
      filter.push(value);
      where.push(condition(`$${filter.length}`));
    };
    add((n) => `i.student_id = ${n}`, query.studentId);
    add((n) => `i.academic_year_id = ${n}`, query.academicYearId);
    add((n) => `(${invoiceStatusSql('i')}) = ${n}`, query.status);
    add((n) => `i.period_key = ${n}`, query.periodKey);
    const { rows, meta } = await queryPage<{ invoice: Numbered<InvoiceView> }>(
      this.tenant.manager,
      {
        select: `${INVOICE_JSON} AS invoice`,
        from: INVOICE_FROM,
        where: where.length ? `WHERE ${where.join(' AND ')}` : '',
        orderBy: 'i.period_starts_on DESC, i.number DESC',
      },
      filter,
      query,
    );
    return { data: rows.map((row) => printed(row.invoice)), meta };
  }

  /** The invoice's row, locked until the transaction ends (payments lock it the same way). */
  lock(id: string): Promise<HeldInvoice | undefined> {
    return selectRow<HeldInvoice>(
      this.tenant.manager,
      `SELECT status, (paid_minor > 0 OR credited_minor > 0) AS "hasMoney"
         FROM fee_invoices WHERE id = $1 FOR UPDATE`,
      [id],
    );
  }

  /** A draft goes out dated today (paid at once when it asks nothing). */
  async issue(id: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE fee_invoices
          SET status = ${statusWhenIssued("'issued'", 'balance_minor')},
              issued_on = ${SCHOOL_TODAY_SQL}, updated_at = now()
        WHERE id = $1`,
      [id],
    );
  }

  async void(id: string, reason: string, callerUserId: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE fee_invoices
          SET status = 'void', voided_at = now(), updated_at = now(), void_reason = $2,
              voided_by = ${callerProfile('$3')}
        WHERE id = $1`,
      [id, reason, callerUserId],
    );
  }
}
