import { GUARD_REFUSALS, refusalOf, type RouteError } from '@schoolyard/common';
import {
  authenticationRequired,
  csrfRejected,
  invalidToken,
  passwordChangeRequired,
  platformAdminRequired,
  sessionRevoked,
  tokenExpired,
} from '@schoolyard/identity';
import { rateLimited } from '@schoolyard/rate-limits';
import { forbidden } from '@schoolyard/rbac';
import {
  platformOnly,
  schoolArchived,
  schoolBusy,
  schoolNotFound,
  schoolSuspended,
  // Not exported: only the kernel's guards answer them.
} from '../../libs/tenancy/tenancy.errors';

/*
 * The guards' refusals are documented by @Route from libs/common, which cannot import the
 * libraries that own them; here, where the application sees every library, the document's
 * copy is held to the factories the guards really throw. (Validation, unreadable bodies and an
 * unreachable database are answered from libs/common itself.)
 */
type GuardRefusal = Exclude<
  keyof typeof GUARD_REFUSALS,
  'validationFailed' | 'malformedJson' | 'databaseUnavailable'
>;

const factories: Record<GuardRefusal, RouteError> = {
  schoolNotFound,
  schoolSuspended,
  schoolArchived,
  platformOnly,
  rateLimited: rateLimited('client', 1),
  authenticationRequired,
  invalidToken,
  tokenExpired,
  sessionRevoked,
  csrfRejected,
  passwordChangeRequired,
  forbidden: forbidden(['students.view']),
  platformAdminRequired,
  schoolBusy,
};

describe('the refusals @Route documents for the guards', () => {
  it.each(Object.entries(factories))(
    '%s has the status and code the guard answers',
    (name, made) => {
      const documented = GUARD_REFUSALS[name as GuardRefusal];
      const real = refusalOf(made);
      expect({ status: documented.status, code: documented.code }).toEqual({
        status: real.status,
        code: real.code,
      });
    },
  );
});
