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

export const noPortalAccount = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'NO_PORTAL_ACCOUNT',
    'This person has no portal account in this school: activate them first',
  );

export const lastOwnerAccount = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'LAST_OWNER',
    "This would close the account of the school's last active Owner: make someone else Owner first",
  );

/** Not this school's to reset: its holder registered it, or linked it here or elsewhere by consent. */
export const accountHeldByHolder = (via: 'consented' | 'registered') =>
  via === 'consented'
    ? new AppError(
        HttpStatus.CONFLICT,
        'ACCOUNT_LINKED_BY_CONSENT',
        'Its holder linked this account by consent (to this school or another): only they can reset its password, by email from the sign-in page',
      )
    : new AppError(
        HttpStatus.CONFLICT,
        'ACCOUNT_REGISTERED_BY_HOLDER',
        'This account was registered by its holder: only they can reset its password, by email from the sign-in page',
      );
