import { type QueryRunner } from 'typeorm';
import { PERMISSIONS, SYSTEM_ROLES } from './permission-catalog';

export interface CatalogSyncResult {
  added: string[];
  removed: string[];
}

/**
 * Brings one school's `permissions` and system roles in line with the code's catalog. Runs
 * after the tenant migrations, inside the same transaction, with the school's schema on the
 * search_path. A school's own choices survive: a permission is granted to a system role by
 * default only when the permission or the role is new to the school, and Owner is always
 * given everything.
 */
export async function syncPermissionCatalog(db: QueryRunner): Promise<CatalogSyncResult> {
  const existing: Array<{ code: string }> = await db.query('SELECT code FROM permissions');
  const had = new Set(existing.map((row) => row.code));
  const inCode = new Set<string>(PERMISSIONS.map((entry) => entry.code));
  const added = PERMISSIONS.map((entry) => entry.code).filter((code) => !had.has(code));
  const removed = [...had].filter((code) => !inCode.has(code));

  await db.query(
    `INSERT INTO permissions (code, module, description)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT (code) DO UPDATE SET module = EXCLUDED.module, description = EXCLUDED.description
       WHERE (permissions.module, permissions.description)
             IS DISTINCT FROM (EXCLUDED.module, EXCLUDED.description)`,
    [
      PERMISSIONS.map((entry) => entry.code),
      PERMISSIONS.map((entry) => entry.module),
      PERMISSIONS.map((entry) => entry.description),
    ],
  );
  if (removed.length) await db.query('DELETE FROM permissions WHERE code = ANY($1)', [removed]);

  // A custom role that already uses a system role's name keeps it; that system role is then
  // not seeded in this school (ON CONFLICT on the name index).
  const created: Array<{ system_key: string }> = await db.query(
    `INSERT INTO roles (system_key, name, description)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
     ON CONFLICT DO NOTHING
     RETURNING system_key`,
    [
      SYSTEM_ROLES.map((role) => role.key),
      SYSTEM_ROLES.map((role) => role.name),
      SYSTEM_ROLES.map((role) => role.description),
    ],
  );
  const newRoles = new Set(created.map((row) => row.system_key));
  const addedSet = new Set(added);
  const grants = SYSTEM_ROLES.flatMap((role) =>
    role.defaults
      .filter((code) => role.key === 'owner' || newRoles.has(role.key) || addedSet.has(code))
      .map((code) => [role.key, code] as const),
  );
  await db.query(
    `INSERT INTO role_permissions (role_id, permission_code)
     SELECT r.id, g.code FROM unnest($1::text[], $2::text[]) AS g (role_key, code)
       JOIN roles r ON r.system_key = g.role_key
     ON CONFLICT DO NOTHING`,
    [grants.map(([key]) => key), grants.map(([, code]) => code)],
  );
  if (newRoles.has('owner')) {
    // A school made before roles existed: whoever owns it becomes Owner, so nobody is locked out.
    await db.query(
      `INSERT INTO user_roles (user_id, role_id)
       SELECT DISTINCT p.user_id, r.id FROM profiles p, roles r
        WHERE p.kind = 'owner' AND p.user_id IS NOT NULL AND r.system_key = 'owner'
       ON CONFLICT DO NOTHING`,
    );
  }
  return { added, removed };
}
