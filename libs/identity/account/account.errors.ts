import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const verificationTokenUsed = () =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'VERIFICATION_TOKEN_USED',
    'This verification link was already used (or replaced by a newer one)',
  );

export const verificationTokenExpired = () =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'VERIFICATION_TOKEN_EXPIRED',
    'This verification link has expired: sign in and ask for a new one',
  );

export const verificationTokenInvalid = () =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'VERIFICATION_TOKEN_INVALID',
    'This verification link is not valid',
  );

export const verifiedElsewhere = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EMAIL_TAKEN',
    'Another account has already verified this email: sign in with that account instead',
  );

export const emailAlreadyVerified = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EMAIL_ALREADY_VERIFIED',
    'Your email is verified and no change of address is waiting',
  );

export const noEmailToVerify = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'NO_EMAIL',
    'Your account has no email to verify: add one with POST /api/auth/email',
  );

export const wrongPassword = () =>
  new AppError(HttpStatus.BAD_REQUEST, 'INVALID_CURRENT_PASSWORD', 'The password is wrong', [
    { field: 'password', problems: ['password is wrong'] },
  ]);

export const verificationMailTooSoon = (retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'RATE_LIMITED',
    'A verification message was sent moments ago: wait before asking for another',
    { scope: 'verification-mail', retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

export const tooManyPasswordFailures = (retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_ATTEMPTS',
    'Too many wrong passwords: try again later',
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
