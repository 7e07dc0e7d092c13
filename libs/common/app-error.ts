import { HttpStatus } from '@nestjs/common';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
}

/** The one body every 4xx and 5xx carries, wherever it is sent from. */
export function errorBody(
  error: { code: string; message: string; details?: unknown },
  requestId: string,
): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
    requestId,
  };
}

/** A refusal the application means to give: it becomes the shared error shape as is. */
export class AppError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra response headers, such as Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface FieldProblem {
  field: string;
  problems: string[];
}

export const validationFailed = (details: FieldProblem[]) =>
  new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', details);

export const nothingToChange = () =>
  new AppError(HttpStatus.BAD_REQUEST, 'NOTHING_TO_CHANGE', 'Send at least one field to change');

/** 409 naming what still uses the thing, with counts: `{ students: 3, contents: 1 }`. */
export const inUse = (usedBy: Record<string, number>) =>
  new AppError(
    HttpStatus.CONFLICT,
    'IN_USE',
    `Still in use by ${Object.entries(usedBy)
      .map(([what, n]) => `${n} ${what}`)
      .join(', ')}: remove or move those first`,
    usedBy,
  );

/**
 * An address Fastify's router refuses before Nest sees the request: a part longer than the
 * router allows (414) or one it cannot decode (400, or the router's own status).
 */
export const badAddress = (status: number = HttpStatus.BAD_REQUEST) =>
  status === HttpStatus.URI_TOO_LONG
    ? new AppError(status, 'URI_TOO_LONG', 'A part of the address is too long')
    : new AppError(status, 'BAD_URL', 'The address is not valid');

/** A request or the health check could not reach the database (the filter adds Retry-After). */
export const databaseUnavailable = (details?: Record<string, unknown>) =>
  new AppError(
    HttpStatus.SERVICE_UNAVAILABLE,
    'DATABASE_UNAVAILABLE',
    'The database is unavailable; try again shortly',
    details,
  );
