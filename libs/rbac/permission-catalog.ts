// The catalog is defined beside the tenant migrations that copy it into every school, so the
// migrations need nothing from this library (which depends on the request kernel): RBAC
// reads it from there.
export {
  ALL_PERMISSION_CODES,
  isPermissionCode,
  PERMISSION_CATALOG,
  PERMISSION_CATALOG_VERSION,
  type PermissionCode,
  type PermissionEntry,
  type PermissionModule,
  PERMISSIONS,
  SYSTEM_ROLES,
  type SystemRoleDefinition,
  type SystemRoleKey,
} from '@schoolyard/migrations/tenant';
