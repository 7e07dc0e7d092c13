import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export type RateLimitScope = 'school' | 'client' | 'platform';

export const rateLimited = (scope: RateLimitScope, retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'RATE_LIMITED',
    scope === 'school'
      ? 'This school is sending too many requests: try again shortly'
      : 'Too many requests from this client: try again shortly',
    { scope, retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
