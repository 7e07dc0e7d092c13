import { SetMetadata } from '@nestjs/common';
import { type PermissionCode } from './permission-catalog';

export const REQUIRED_PERMISSIONS = 'schoolyard:required-permissions';

/**
 * The caller must hold every listed permission through an active role in THIS school. Every
 * signed-in school route declares this or @NoPermissionRequired() (from identity); the guard
 * refuses a route that declares neither, and a test lists any such route.
 */
export const RequirePermissions = (...codes: [PermissionCode, ...PermissionCode[]]) =>
  SetMetadata(REQUIRED_PERMISSIONS, codes);
