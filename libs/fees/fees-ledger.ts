import { selectRow } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

/*
 * What every part of the fees library agrees on: the school's "today", the numbering of
 * invoices, receipts, credit notes and refunds, and how an invoice's status follows its money.
 */

/** The school's local date today, as a SQL expression usable anywhere in a statement. */
export const SCHOOL_TODAY_SQL = `(SELECT (now() AT TIME ZONE timezone)::date FROM school_settings)`;

/** The school's currency (ISO 4217), as a SQL expression. */
export const SCHOOL_CURRENCY_SQL = `(SELECT currency FROM school_settings)`;

export type FeeCounter = 'invoice' | 'receipt' | 'credit_note' | 'refund';

/**
 * Takes `count` consecutive numbers and answers the first. The counter's row stays locked
 * until the transaction ends, so numbers are handed out in commit order, and a transaction
 * that rolls back gives its numbers back: no gaps, no duplicates, under any concurrency.
 * Take the number last, just before the write that uses it, to hold the lock briefly.
 */
export async function takeNumbers(
  manager: EntityManager,
  counter: FeeCounter,
  count = 1,
): Promise<bigint> {
  const row = await selectRow<{ first: string }>(
    manager,
    `UPDATE fee_counters SET last_value = last_value + $2
      WHERE name = $1 RETURNING last_value - $2 + 1 AS first`,
    [counter, count],
  );
  if (!row) throw new Error(`fee counter ${counter} is missing`);
  return BigInt(row.first);
}

/**
 * The stored status an invoice has after its money changed (`i` is the invoice's alias):
 * a draft or void invoice keeps its status; otherwise nothing owed is paid, something paid
 * is partly paid, nothing paid is issued. "Overdue" is never stored (see `INVOICE_STATUS_SQL`).
 */
export const statusAfterMoney = (i: string) => `CASE
    WHEN ${i}.status IN ('draft', 'void') THEN ${i}.status
    WHEN ${i}.total_minor - ${i}.credited_minor - ${i}.paid_minor = 0 THEN 'paid'
    WHEN ${i}.paid_minor > 0 THEN 'partly_paid'
    ELSE 'issued' END`;

/**
 * The status an invoice is written with when it goes out (`wanted`: 'issued' or 'draft'): one
 * asking nothing (a 100% concession) is paid from the start, or it would read overdue later.
 */
export const statusWhenIssued = (wanted: string, owed: string) =>
  `CASE WHEN ${wanted} = 'issued' AND ${owed} = 0 THEN 'paid' ELSE ${wanted} END`;

/**
 * The status an invoice is shown with: an issued or partly paid invoice whose due day has
 * passed (in the school's time zone) is overdue.
 */
export const invoiceStatusSql = (i: string) => `CASE
    WHEN ${i}.status IN ('issued', 'partly_paid') AND ${i}.due_on < ${SCHOOL_TODAY_SQL}
    THEN 'overdue' ELSE ${i}.status END`;

export type StoredInvoiceStatus = 'draft' | 'issued' | 'partly_paid' | 'paid' | 'void';
export type InvoiceStatus = StoredInvoiceStatus | 'overdue';
export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'draft',
  'issued',
  'partly_paid',
  'paid',
  'void',
  'overdue',
];

/** Receipt numbers print as R-000042; invoices as INV-000042 (the number is the record). */
export const printedNumber = (prefix: 'INV' | 'R' | 'CN' | 'RF', number: string | bigint) =>
  `${prefix}-${number.toString().padStart(6, '0')}`;

/** The student's credit with the school (sum of their account's entries), in minor units. */
export async function creditBalance(manager: EntityManager, studentId: string): Promise<bigint> {
  const row = await selectRow<{ balance: string }>(
    manager,
    `SELECT coalesce(sum(amount_minor), 0) AS balance FROM fee_credit_entries WHERE student_id = $1`,
    [studentId],
  );
  return BigInt(row?.balance ?? '0');
}

/**
 * Serializes every change to one student's credit account (a refund reads the balance, then
 * spends it). NO KEY UPDATE: the foreign-key checks of the fee rows written meanwhile still pass.
 * Answers false when the school has no such student.
 */
export async function lockStudentAccount(
  manager: EntityManager,
  studentId: string,
): Promise<boolean> {
  const locked = await selectRow<{ found: boolean }>(
    manager,
    `SELECT true AS found FROM students WHERE profile_id = $1 FOR NO KEY UPDATE`,
    [studentId],
  );
  return locked !== undefined;
}
