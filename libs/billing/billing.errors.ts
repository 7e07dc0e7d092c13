import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { type RefusalReason } from './payment-provider';

export type LimitedResource = 'students' | 'staff';

export const planLimitReached = (resource: LimitedResource, limit: number, planName: string) =>
  new AppError(
    HttpStatus.PAYMENT_REQUIRED,
    'PLAN_LIMIT_REACHED',
    `The ${planName} plan allows ${limit} active ${resource === 'students' ? 'students' : 'staff members'}: choose a larger plan to add more`,
    { resource, limit, plan: planName },
  );

export const noSubscription = () =>
  new AppError(
    HttpStatus.PAYMENT_REQUIRED,
    'NO_SUBSCRIPTION',
    'This school has no subscription: choose a plan first',
  );

export const planNotAvailable = (code: string) =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'PLAN_NOT_AVAILABLE',
    `There is no plan "${code}" that can be bought`,
    { field: 'planCode' },
  );

export const trialPlanUnavailable = () =>
  new AppError(
    HttpStatus.SERVICE_UNAVAILABLE,
    'TRIAL_PLAN_UNAVAILABLE',
    'New schools cannot be registered right now: the trial plan is not available',
  );

export const paymentNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'PAYMENT_NOT_FOUND',
    'There is no such payment in this school',
  );

const REFUSAL_CODES: Record<RefusalReason, string> = {
  malformed: 'PAYMENT_CALLBACK_MALFORMED',
  bad_signature: 'PAYMENT_CALLBACK_SIGNATURE_INVALID',
  wrong_merchant: 'PAYMENT_CALLBACK_WRONG_MERCHANT',
  // Another school's transaction gets the same answer as none at all: nothing is revealed.
  unknown_transaction: 'PAYMENT_CALLBACK_UNKNOWN_TRANSACTION',
  other_school: 'PAYMENT_CALLBACK_UNKNOWN_TRANSACTION',
  amount_mismatch: 'PAYMENT_CALLBACK_AMOUNT_MISMATCH',
};

export const callbackRefused = (reason: RefusalReason, message: string) =>
  new AppError(HttpStatus.BAD_REQUEST, REFUSAL_CODES[reason], message);

export const providerUnavailable = (
  paymentId: string,
  kind: 'unreachable' | 'bad_answer',
  message: string,
) =>
  new AppError(
    kind === 'unreachable' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY,
    'PAYMENT_PROVIDER_UNAVAILABLE',
    `${message}. The payment stays pending: check it again later.`,
    { paymentId, recheck: `/api/payments/${paymentId}/recheck` },
  );
