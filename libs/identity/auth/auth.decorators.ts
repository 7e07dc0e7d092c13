import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'schoolyard:public';
export const ALLOWED_DURING_PASSWORD_CHANGE = 'schoolyard:allowed-during-password-change';
export const NO_PERMISSION_REASON = 'schoolyard:no-permission-reason';
export const OPTIONAL_SIGN_IN = 'schoolyard:optional-sign-in';
export const REVEALS_SECRETS = 'schoolyard:reveals-secrets';

/** No sign-in needed (registration, sign-in itself, the school's public branding). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Still served while the account must change its password (me, change-password, logout). */
export const AllowedDuringPasswordChange = () => SetMetadata(ALLOWED_DURING_PASSWORD_CHANGE, true);

/**
 * Any signed-in member of the school may call it (their own account, signing out), or the
 * handler applies a narrower rule itself. Otherwise a school route needs @RequirePermissions()
 * (role-based access control). The reason is for the reader of the code.
 */
export const NoPermissionRequired = (reason: string) => SetMetadata(NO_PERMISSION_REASON, reason);

/**
 * Served to anonymous callers too, but a caller who sends credentials is authenticated as on
 * any other route (a bad token is refused, not ignored): accepting a link works signed in or
 * with the account's password.
 */
export const OptionalSignIn = () => SetMetadata(OPTIONAL_SIGN_IN, true);

/**
 * A read that answers secrets (credential slips). A browser sends cookies with any request
 * to the site, sibling schools' pages included, so a cookie-authenticated call needs the CSRF
 * token even though it is a GET; a bearer header is proof enough.
 */
export const RevealsSecrets = () => SetMetadata(REVEALS_SECRETS, true);
