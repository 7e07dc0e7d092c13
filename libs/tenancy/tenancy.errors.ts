import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const schoolNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'SCHOOL_NOT_FOUND', 'No school is served at this address');

export const schoolSuspended = () =>
  new AppError(HttpStatus.FORBIDDEN, 'SCHOOL_SUSPENDED', 'This school is suspended');

export const schoolArchived = () =>
  new AppError(HttpStatus.FORBIDDEN, 'SCHOOL_ARCHIVED', 'This school is archived');

export const platformOnly = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'ROUTE_NOT_FOUND',
    "This endpoint is served at the platform's address",
  );

/** The school's share of the database connections stayed taken for the whole wait. */
export const schoolBusy = () =>
  new AppError(
    HttpStatus.SERVICE_UNAVAILABLE,
    'SCHOOL_BUSY',
    'This school has too many requests in progress: try again shortly',
    undefined,
    { 'Retry-After': '1' },
  );
