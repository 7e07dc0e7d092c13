import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

/* Refusals of the school's eSewa merchant and of families' online payments. */

/** No merchant of the school's own (the platform's merchant never takes fees). */
export const onlinePaymentNotSetUp = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ONLINE_PAYMENT_NOT_SET_UP',
    'This school does not take online payments: it has not set up its own eSewa merchant',
  );

export const nothingToPay = () =>
  new AppError(HttpStatus.CONFLICT, 'NOTHING_TO_PAY', 'The invoice has no balance left to pay');

/** eSewa could not confirm (503) or answered with what cannot be trusted (502). */
export const feeProviderUnavailable = (
  onlinePaymentId: string,
  kind: 'unreachable' | 'bad_answer',
  message: string,
) =>
  new AppError(
    kind === 'unreachable' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY,
    'PAYMENT_PROVIDER_UNAVAILABLE',
    `${message}. The payment stays pending: check it again later.`,
    { onlinePaymentId, recheck: `/api/fees/online-payments/${onlinePaymentId}/recheck` },
  );

/** eSewa takes Nepalese rupees only: an invoice in another currency is paid at the counter. */
export const onlinePaymentCurrency = (currency = 'USD') =>
  new AppError(
    HttpStatus.CONFLICT,
    'ONLINE_PAYMENT_CURRENCY',
    `eSewa takes payments in NPR only; this invoice is in ${currency}`,
    { currency },
  );

/**
 * The merchant may not change (or go) while families are still paying it: their payments
 * would be checked against another merchant. A payment left pending an hour is abandoned.
 */
export const onlinePaymentsPending = (pending = 1) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ONLINE_PAYMENTS_PENDING',
    'Families are paying through this merchant right now: change it once their payments end (at most an hour)',
    { pending },
  );
