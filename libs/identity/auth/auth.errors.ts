import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

const unauthorized = (code: string, message: string) =>
  new AppError(HttpStatus.UNAUTHORIZED, code, message);

/** One answer for an unknown username and a wrong password: nothing tells them apart. */
export const invalidCredentials = () =>
  unauthorized('INVALID_CREDENTIALS', 'The username or password is wrong');
export const authenticationRequired = () =>
  unauthorized(
    'AUTHENTICATION_REQUIRED',
    'Sign in first: send a Bearer token or the session cookie',
  );
export const invalidToken = () =>
  unauthorized('INVALID_TOKEN', 'The access token is not valid here');
export const tokenExpired = () =>
  unauthorized('TOKEN_EXPIRED', 'The access token has expired; refresh it');
export const sessionRevoked = () =>
  unauthorized('SESSION_REVOKED', 'This session has ended; sign in again');
export const invalidRefreshToken = () =>
  unauthorized('INVALID_REFRESH_TOKEN', 'The refresh token is not valid');
export const refreshTokenReused = () =>
  unauthorized(
    'REFRESH_TOKEN_REUSED',
    'This refresh token was already used: the session has been ended',
  );

export const csrfRejected = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'CSRF_TOKEN_INVALID',
    'Cookie-authenticated changes need the X-CSRF-Token header (the sy_csrf cookie value)',
  );
export const passwordChangeRequired = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'PASSWORD_CHANGE_REQUIRED',
    'Change your password before anything else',
  );
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'TOO_MANY_ATTEMPTS',
    `Too many failed sign-ins; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
