import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export type RateLimitScope = 'school' | 'anonymous' | 'client' | 'platform';

const MESSAGES: Record<RateLimitScope, string> = {
  school: 'This school is sending too many requests: try again shortly',
  anonymous: "This school's public pages are receiving too many requests: try again shortly",
  client: 'Too many requests from this client: try again shortly',
  platform: 'Too many requests from this client: try again shortly',
};

export const rateLimited = (scope: RateLimitScope, retryAfterSeconds: number) =>
  new AppError(
    HttpStatus.TOO_MANY_REQUESTS,
    'RATE_LIMITED',
    MESSAGES[scope],
    { scope, retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
