import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/* Refusals of payments, credit notes and refunds. */

/** A credit note may take off at most what the invoice still asks beyond earlier notes. */
export const creditNoteTooLarge = (creditableMinor = 0n, currency = 'NPR') =>
  new AppError(
    HttpStatus.CONFLICT,
    'CREDIT_NOTE_EXCEEDS_INVOICE',
    'A credit note may take off at most the invoice total less what earlier notes took off',
    { creditableMinor: Number(creditableMinor), currency },
  );

/** The student's credit does not cover the refund; the balance says what would. */
export const insufficientCredit = (balanceMinor = 0n, currency = 'NPR') =>
  new AppError(
    HttpStatus.CONFLICT,
    'INSUFFICIENT_CREDIT',
    "The student's credit does not cover this refund",
    { balanceMinor: Number(balanceMinor), currency },
  );

/** Money is counted on the day it came in: never a day still to come. */
export const receivedInTheFuture = (today = '') =>
  validationFailed([
    {
      field: 'receivedOn',
      problems: [`receivedOn must not be after the school's today (${today})`],
    },
  ]);
