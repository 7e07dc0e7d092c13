import { HttpStatus } from '@nestjs/common';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
  requestId: string;
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
