import { SetMetadata } from '@nestjs/common';

export const ROUTE_SCOPE = 'schoolyard:route-scope';
export const MANUAL_TRANSACTION = 'schoolyard:manual-transaction';

export type RouteScope = 'school' | 'platform' | 'school-or-platform';

/** Served at a school's address; the handler runs in that school's transaction. */
export const SchoolScoped = () => SetMetadata(ROUTE_SCOPE, 'school' satisfies RouteScope);

/** Served only at the platform's own address (`BASE_DOMAIN`). */
export const PlatformScoped = () => SetMetadata(ROUTE_SCOPE, 'platform' satisfies RouteScope);

/** Served at a school's address (in its transaction) and at the platform's (no school). */
export const SchoolOrPlatformScoped = () =>
  SetMetadata(ROUTE_SCOPE, 'school-or-platform' satisfies RouteScope);

/**
 * The handler opens its own short tenant transactions (for example around slow password
 * hashing), instead of holding one connection for the whole request.
 */
export const ManualTenantTransaction = () => SetMetadata(MANUAL_TRANSACTION, true);
