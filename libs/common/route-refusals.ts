import { HttpStatus } from '@nestjs/common';
import { AppError, databaseUnavailable, validationFailed } from './app-error';
import { type RoutePolicy } from './route-policy';

/**
 * A refusal a route can give, as a `*.errors.ts` factory that needs no argument
 * (`noPortalAccount`) or the error a factory makes (`personNotFound('student')`): the
 * catalogue is those factories themselves, so a code cannot be documented without existing,
 * and the example in the document is the very message the client gets.
 */
export type RouteError = AppError | (() => AppError);

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export function refusalOf(error: RouteError): Refusal {
  const made = typeof error === 'function' ? error() : error;
  return { status: made.status, code: made.code, message: made.message };
}

const refusal = (status: HttpStatus, code: string, message: string): Refusal => ({
  status,
  code,
  message,
});

/**
 * What the global guards and the validation pipe answer on their own, by the route's policy
 * alone. The guards' factories live in the libraries that own them (which depend on this one),
 * so their codes are repeated here; apps/api/guard-refusals.spec.ts holds them to the factories.
 */
export const GUARD_REFUSALS = {
  schoolNotFound: refusal(
    HttpStatus.NOT_FOUND,
    'SCHOOL_NOT_FOUND',
    'No school is served at this address',
  ),
  schoolSuspended: refusal(HttpStatus.FORBIDDEN, 'SCHOOL_SUSPENDED', 'This school is suspended'),
  schoolArchived: refusal(HttpStatus.FORBIDDEN, 'SCHOOL_ARCHIVED', 'This school is archived'),
  platformOnly: refusal(
    HttpStatus.NOT_FOUND,
    'ROUTE_NOT_FOUND',
    "This endpoint is served at the platform's address",
  ),
  rateLimited: refusal(
    HttpStatus.TOO_MANY_REQUESTS,
    'RATE_LIMITED',
    'Too many requests from this client: try again shortly',
  ),
  authenticationRequired: refusal(
    HttpStatus.UNAUTHORIZED,
    'AUTHENTICATION_REQUIRED',
    'Sign in first: send a Bearer token or the session cookie',
  ),
  invalidToken: refusal(
    HttpStatus.UNAUTHORIZED,
    'INVALID_TOKEN',
    'The access token is not valid here',
  ),
  tokenExpired: refusal(
    HttpStatus.UNAUTHORIZED,
    'TOKEN_EXPIRED',
    'The access token has expired; refresh it',
  ),
  sessionRevoked: refusal(
    HttpStatus.UNAUTHORIZED,
    'SESSION_REVOKED',
    'This session has ended; sign in again',
  ),
  csrfRejected: refusal(
    HttpStatus.FORBIDDEN,
    'CSRF_TOKEN_INVALID',
    'Cookie-authenticated changes need the X-CSRF-Token header (the sy_csrf cookie value)',
  ),
  passwordChangeRequired: refusal(
    HttpStatus.FORBIDDEN,
    'PASSWORD_CHANGE_REQUIRED',
    'Change your password before anything else',
  ),
  forbidden: refusal(
    HttpStatus.FORBIDDEN,
    'FORBIDDEN',
    'You need the permission "…" in this school',
  ),
  platformAdminRequired: refusal(
    HttpStatus.FORBIDDEN,
    'PLATFORM_ADMIN_REQUIRED',
    'Only a platform admin may do this',
  ),
  schoolBusy: refusal(
    HttpStatus.SERVICE_UNAVAILABLE,
    'SCHOOL_BUSY',
    'This school has too many requests in progress: try again shortly',
  ),
  databaseUnavailable: refusalOf(databaseUnavailable),
  validationFailed: refusalOf(validationFailed([])),
  malformedJson: refusal(
    HttpStatus.BAD_REQUEST,
    'MALFORMED_JSON',
    'The request body is not valid JSON',
  ),
} as const satisfies Record<string, Refusal>;

/** What the route's handler receives from the request, as far as validation is concerned. */
export interface RouteInput {
  body: boolean;
  /** A query or path parameter DTO (validated like a body). */
  queryOrPath: boolean;
  /** A method that changes something: cookie callers must echo the CSRF token. */
  changes: boolean;
}

/** The refusals the guards and the validation pipe can give on this route, in guard order. */
export function impliedRefusals(policy: RoutePolicy, input: RouteInput): Refusal[] {
  const g = GUARD_REFUSALS;
  const found: Refusal[] = [];
  const atSchool = policy.scope === 'school' || policy.scope === 'school-or-platform';
  const atPlatform = policy.scope === 'platform' || policy.scope === 'school-or-platform';
  if (atSchool) found.push(g.schoolNotFound, g.schoolSuspended, g.schoolArchived);
  if (policy.scope === 'platform') found.push(g.platformOnly);
  if (policy.scope !== 'anywhere') found.push(g.rateLimited);
  if (policy.signIn !== 'none') {
    if (policy.signIn === 'required') found.push(g.authenticationRequired);
    found.push(g.invalidToken, g.tokenExpired, g.sessionRevoked);
    if (input.changes || policy.revealsSecrets) found.push(g.csrfRejected);
    if (!policy.allowedDuringPasswordChange) found.push(g.passwordChangeRequired);
    if (atSchool && policy.permissions?.length !== 0) found.push(g.forbidden);
    const adminAtPlatform = policy.platformAdminOnly || policy.noPermissionReason === undefined;
    if (atPlatform && adminAtPlatform) found.push(g.platformAdminRequired);
  }
  if (input.body || input.queryOrPath) found.push(g.validationFailed);
  if (input.body) found.push(g.malformedJson);
  // Both with Retry-After: a school's share of the pool stayed taken, or the database is away.
  if (atSchool) found.push(g.schoolBusy);
  if (policy.scope !== 'anywhere') found.push(g.databaseUnavailable);
  return found;
}
