import { HttpStatus } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';

/* Refusals of invoices: generating them, issuing and voiding one. */

/** A period that reads well but is not one of the year's (a month or term outside it). */
export const periodOutsideYear = (period = '2019-01') =>
  validationFailed([
    { field: 'period', problems: [`${period} is not a period of the academic year`] },
  ]);

/** Money was taken or credited against it: voiding would lose track of that money. */
export const invoiceHasMoney = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'INVOICE_HAS_MONEY',
    'The invoice has payments or credit notes against it: issue a credit note instead',
  );

/** Another run wrote an invoice for one of these students meanwhile; nothing was written. */
export const invoicesChangedMeanwhile = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'INVOICES_CHANGED',
    'Invoices for this period were generated at the same time: nothing was written, try again',
  );

/** Fines are for a day that has come: a later one would fine invoices not late yet. */
export const fineDayInTheFuture = (today = '') =>
  validationFailed([
    { field: 'on', problems: [`on must not be after the school's today (${today})`] },
  ]);
