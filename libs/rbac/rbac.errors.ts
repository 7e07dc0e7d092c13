import { HttpStatus } from '@nestjs/common';
import { AppError } from '@schoolyard/common';

export const forbidden = (missing: readonly string[]) =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'FORBIDDEN',
    `You need the permission ${missing.map((code) => `"${code}"`).join(', ')} in this school`,
    { missingPermissions: missing },
  );

export const routeUndeclared = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'FORBIDDEN',
    'This route declares no permission, so it is closed to everyone',
  );

export const roleNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'ROLE_NOT_FOUND', 'There is no such role in this school');

export const roleNameTaken = (name: string) =>
  new AppError(HttpStatus.CONFLICT, 'ROLE_NAME_TAKEN', `A role named "${name}" exists`, {
    field: 'name',
  });

export const unknownPermissions = (codes: string[]) =>
  new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
    { field: 'permissions', problems: codes.map((code) => `"${code}" is not a permission`) },
  ]);

export const systemRoleProtected = (message: string) =>
  new AppError(HttpStatus.CONFLICT, 'SYSTEM_ROLE_PROTECTED', message);

export const ownerRoleProtected = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'OWNER_ROLE_PROTECTED',
    'The Owner role always holds every permission and cannot be deleted or renamed',
  );

export const lastOwner = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'LAST_OWNER',
    'A school always keeps at least one active Owner: make someone else Owner first',
  );

export const personNotFound = () =>
  new AppError(
    HttpStatus.NOT_FOUND,
    'PERSON_NOT_FOUND',
    'No person in this school has this account',
  );

export const assignmentNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'ASSIGNMENT_NOT_FOUND', 'This person does not hold this role');

export const onlyOwnersManageOwners = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'FORBIDDEN',
    'Only an Owner of this school can give or take away the Owner role',
  );
