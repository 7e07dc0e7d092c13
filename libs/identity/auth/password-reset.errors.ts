import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const tooManyResetRequests = (retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_RESET_REQUESTS',
    `Too many password-reset requests from this address; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

const badToken = (code: string, message: string) =>
  new AppError(HttpStatus.BAD_REQUEST, code, message, [{ field: 'token', problems: [message] }]);

/** Only the holder of a mailed token learns these apart, and only about that token. */
export const resetTokenInvalid = () =>
  badToken('RESET_TOKEN_INVALID', 'This password-reset link is not valid; ask for a new one');
export const resetTokenUsed = () =>
  badToken('RESET_TOKEN_USED', 'This password-reset link was already used; ask for a new one');
export const resetTokenExpired = () =>
  badToken('RESET_TOKEN_EXPIRED', 'This password-reset link has expired; ask for a new one');
