import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/* Refusals every part of the fees library may give; each part keeps its own in its own file. */

type FeeThing =
  | 'fee head'
  | 'fee structure'
  | 'concession'
  | 'late fine rule'
  | 'invoice'
  | 'receipt'
  | 'credit note'
  | 'refund'
  | 'online payment'
  | 'student'
  | 'academic year'
  | 'term'
  | 'academic level'
  | 'program'
  | 'section';

const CODES: Record<FeeThing, string> = {
  'fee head': 'FEE_HEAD_NOT_FOUND',
  'fee structure': 'FEE_STRUCTURE_NOT_FOUND',
  concession: 'CONCESSION_NOT_FOUND',
  'late fine rule': 'LATE_FINE_RULE_NOT_FOUND',
  invoice: 'INVOICE_NOT_FOUND',
  receipt: 'RECEIPT_NOT_FOUND',
  'credit note': 'CREDIT_NOTE_NOT_FOUND',
  refund: 'REFUND_NOT_FOUND',
  'online payment': 'ONLINE_PAYMENT_NOT_FOUND',
  student: 'STUDENT_NOT_FOUND',
  'academic year': 'ACADEMIC_YEAR_NOT_FOUND',
  term: 'TERM_NOT_FOUND',
  'academic level': 'ACADEMIC_LEVEL_NOT_FOUND',
  program: 'PROGRAM_NOT_FOUND',
  section: 'SECTION_NOT_FOUND',
};

/** 404 for one thing of this school (another school's ids are simply not found). */
export const feeThingNotFound = (thing: FeeThing) => () =>
  new AppError(HttpStatus.NOT_FOUND, CODES[thing], `There is no such ${thing} in this school`);

/** The invoice's status does not allow it; `allowed` lists the statuses that would. */
export const invoiceStatusRefused = (status: string, allowed: readonly string[]) =>
  new AppError(
    HttpStatus.CONFLICT,
    'INVOICE_STATUS',
    `The invoice is ${status}: this needs it ${allowed.join(' or ')}`,
    { status, allowed },
  );
