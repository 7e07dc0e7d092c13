import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const personNotFound = (what: 'student' | 'staff member' | 'guardian') =>
  new AppError(
    HttpStatus.NOT_FOUND,
    `${what === 'staff member' ? 'STAFF' : what.toUpperCase()}_NOT_FOUND`,
    `There is no such ${what} in this school`,
  );

export const admissionNumberTaken = (admissionNumber: string) =>
  new AppError(
    HttpStatus.CONFLICT,
    'ADMISSION_NUMBER_TAKEN',
    `A student with admission number "${admissionNumber}" exists in this school`,
    { field: 'admissionNumber' },
  );

export const activatedMeanwhile = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ACTIVATED_MEANWHILE',
    'Someone in this request was activated or changed meanwhile: send the request again',
  );

export const alreadyLinked = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'ALREADY_LINKED',
    'This guardian is already linked to this student',
  );

export const linkNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'LINK_NOT_FOUND',
    'This guardian is not linked to this student',
  );
