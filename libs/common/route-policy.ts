import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import { type RouteError } from './route-refusals';
import { documentRoute } from './route-docs';

/**
 * Words that belong to other libraries, added by declaration merging so that this library
 * imports none of them: role-based access control adds `permission` (its catalogue's codes).
 * Without it (a unit spec of this library alone) any string is a permission.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by merging
export interface RouteVocabulary {}

export type Permission = RouteVocabulary extends { permission: infer P extends string }
  ? P
  : string;

/**
 * Where a route is served: a school's address (the handler runs in that school's transaction),
 * the platform's own address (`BASE_DOMAIN`), either, or any host with no school at all (the
 * health check: no school is resolved, nobody signs in, nothing is limited).
 */
export type RouteScope = 'school' | 'platform' | 'school-or-platform' | 'anywhere';

/** Signed in, with every listed permission through a role in THIS school. */
export interface NeedsPermissions {
  permissions: readonly [Permission, ...Permission[]];
}

/**
 * Signed in, with no permission needed: the caller's own account, or the handler applies a
 * narrower rule itself. The text says why, for the reader of the code. `optional`: anonymous
 * callers are served too, but a caller who sends credentials is checked as anywhere else.
 */
export interface AnySignedIn {
  signedIn: string;
  optional?: true;
}

/**
 * Who may call: `public` (no sign-in), a signed-in caller with permissions or a reason to need
 * none. At the platform's address there is no school and no role: a signed-in route there is
 * for platform admins unless it is `signedIn` (open to every account).
 */
export type SchoolAccess = 'public' | NeedsPermissions | AnySignedIn;
export type PlatformAccess = 'public' | 'platform-admin' | AnySignedIn;

interface Answers {
  /**
   * The refusals the handler itself can give, beyond those the guards add on their own: a
   * factory from a `*.errors.ts` (called once, for its status, code and message), or the error
   * such a factory makes when it needs an argument: `personNotFound('student')`.
   */
  errors?: readonly RouteError[];
}

interface SignedInOptions {
  /** Still served while the account must change its password (me, change-password, logout). */
  allowedDuringPasswordChange?: true;
  /**
   * A read that answers secrets (credential slips): a cookie-authenticated call needs the CSRF
   * token even though it is a GET, since a sibling school's page can make the browser send it.
   */
  revealsSecrets?: true;
}

interface AtSchool extends Answers, SignedInOptions {
  at: 'school' | 'school-or-platform';
  access: SchoolAccess;
  /**
   * `request` (default): the handler runs in ONE transaction of the school, opened after the
   * guards. `manual`: the handler opens its own short ones (around slow password hashing, or
   * outbound calls), instead of holding one connection for the whole request.
   */
  transaction?: 'request' | 'manual';
}

interface AtPlatform extends Answers, SignedInOptions {
  at: 'platform';
  access: PlatformAccess;
}

interface Anywhere extends Answers {
  at: 'anywhere';
  access: 'public';
}

/** What a route declares; the type leaves no signed-in school route without permissions or a reason. */
export type RouteDeclaration = AtSchool | AtPlatform | Anywhere;

/** The declaration as the guards read it: every question answered by a field. */
export interface RoutePolicy {
  readonly scope: RouteScope;
  readonly signIn: 'none' | 'required' | 'optional';
  /** Undefined on a signed-in route that declares neither permissions nor a reason (closed). */
  readonly permissions: readonly Permission[] | undefined;
  readonly noPermissionReason: string | undefined;
  readonly platformAdminOnly: boolean;
  /** A school's transaction is opened around the handler by TenantTransactionBinding. */
  readonly requestTransaction: boolean;
  readonly allowedDuringPasswordChange: boolean;
  readonly revealsSecrets: boolean;
}

const ROUTE_POLICY = 'schoolyard:route-policy';

/** The one answer to every question a guard asks about a route, computed when it is declared. */
export function resolvePolicy(declaration: RouteDeclaration): RoutePolicy {
  const access: SchoolAccess | PlatformAccess | undefined = declaration.access;
  const isPublic = access === 'public';
  const signed = typeof access === 'object' && 'signedIn' in access ? access : undefined;
  const permissions =
    typeof access === 'object' && 'permissions' in access ? access.permissions : undefined;
  const options: SignedInOptions = declaration.at === 'anywhere' ? {} : declaration;
  return Object.freeze({
    scope: declaration.at,
    signIn: isPublic ? 'none' : signed?.optional ? 'optional' : 'required',
    // Empty: nothing to check. Undefined: a signed-in route that declares nothing (closed).
    permissions:
      isPublic || signed || access === 'platform-admin'
        ? []
        : permissions?.length
          ? permissions
          : undefined,
    noPermissionReason: signed?.signedIn,
    platformAdminOnly: access === 'platform-admin',
    requestTransaction:
      (declaration.at === 'school' || declaration.at === 'school-or-platform') &&
      declaration.transaction !== 'manual',
    allowedDuringPasswordChange: options.allowedDuringPasswordChange === true,
    revealsSecrets: options.revealsSecrets === true,
  } satisfies RoutePolicy);
}

/**
 * Declares a route's whole policy in one place: where it is served, who may call it, how its
 * transaction is held and what it can answer. The guards read the policy (policyOf); the
 * OpenAPI document gets the security requirements and every error response from it.
 *
 * @example
 *   @Route({
 *     at: 'school',
 *     access: { permissions: ['students.activate'] },
 *     transaction: 'manual',
 *     errors: [personNotFound('student'), noPortalAccount],
 *   })
 */
export function Route(declaration: RouteDeclaration): MethodDecorator {
  const policy = resolvePolicy(declaration);
  const document = documentRoute(policy, declaration.errors);
  return (target, property, descriptor) => {
    SetMetadata(ROUTE_POLICY, policy)(target, property, descriptor);
    document(target, property, descriptor);
  };
}

/*
 * A route's policy is fixed once the application is built, and every request passes five
 * guards that each ask it: one WeakMap look-up per question, keyed by the handler function
 * (the policy lives on the handler only, so the controller is not part of the key).
 */
const remembered = new WeakMap<object, RoutePolicy | null>();

/** The policy of a handler function; undefined when it declares none (guards then let it be). */
export function policyOfHandler(handler: object): RoutePolicy | undefined {
  let policy = remembered.get(handler);
  if (policy === undefined) {
    policy = (Reflect.getMetadata(ROUTE_POLICY, handler) as RoutePolicy | undefined) ?? null;
    remembered.set(handler, policy);
  }
  return policy ?? undefined;
}

/** The policy of the route an execution context runs. */
export function policyOf(context: ExecutionContext): RoutePolicy | undefined {
  return policyOfHandler(context.getHandler());
}
