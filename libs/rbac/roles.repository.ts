import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows, uniqueOr } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type AssignmentView, type RoleView } from './dto/roles.dto';
import { type PermissionCode, SYSTEM_ROLES } from './permission-catalog';
import { roleNameTaken } from './rbac.errors';

interface RoleRow {
  id: string;
  name: string;
  description: string | null;
  system_key: string | null;
  permissions: string[];
  active_holders: number;
  created_at: Date;
  updated_at: Date;
}

const ROLE_COLUMNS = `
  r.id, r.name, r.description, r.system_key, r.created_at, r.updated_at,
  coalesce((SELECT array_agg(rp.permission_code ORDER BY rp.permission_code)
              FROM role_permissions rp WHERE rp.role_id = r.id), '{}') AS permissions,
  (SELECT count(*)::int FROM user_roles ur WHERE ur.role_id = r.id AND ur.is_active) AS active_holders`;

function roleView(row: RoleRow): RoleView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    system: row.system_key !== null,
    systemKey: row.system_key,
    permissions: row.permissions,
    activeHolders: row.active_holders,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

interface AssignmentRow {
  role_id: string;
  user_id: string;
  is_active: boolean;
  granted_by: string | null;
  granted_at: Date;
}

const ASSIGNMENT_COLUMNS = 'role_id, user_id, is_active, granted_by, granted_at';

function assignmentView(row: AssignmentRow): AssignmentView {
  return {
    roleId: row.role_id,
    userId: row.user_id,
    isActive: row.is_active,
    grantedBy: row.granted_by,
    grantedAt: row.granted_at,
  };
}

/** A lock on the role row: `update` queues other writers of the role, `share` only its delete. */
export type RoleLock = 'update' | 'share';

const nameTaken = (name: string) => ({ roles_name_key: () => roleNameTaken(name) });

/** Every query of the school's roles, their permissions and who holds them. */
@Injectable()
export class RolesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** System roles first, in the catalog's order; then the school's own, oldest first. */
  async listRoles(): Promise<RoleView[]> {
    const rows = await selectRows<RoleRow>(
      this.tenant.manager,
      `SELECT ${ROLE_COLUMNS} FROM roles r
        ORDER BY array_position($1::text[], r.system_key) NULLS LAST, r.created_at, r.name`,
      [SYSTEM_ROLES.map((role) => role.key)],
    );
    return rows.map(roleView);
  }

  async findRole(id: string, lock?: RoleLock): Promise<RoleView | undefined> {
    const row = await selectRow<RoleRow>(
      this.tenant.manager,
      `SELECT ${ROLE_COLUMNS} FROM roles r WHERE r.id = $1 ${lock ? `FOR ${lock.toUpperCase()} OF r` : ''}`,
      [id],
    );
    return row && roleView(row);
  }

  /** Answers the new role's id; a name in use answers ROLE_NAME_TAKEN. */
  async insertRole(name: string, description: string | null): Promise<string> {
    const created = await uniqueOr(
      () =>
        selectRows<{ id: string }>(
          this.tenant.manager,
          `INSERT INTO roles (name, description) VALUES ($1, $2) RETURNING id`,
          [name, description],
        ),
      nameTaken(name),
    );
    return created[0].id;
  }

  async renameRole(id: string, name: string, description: string | null): Promise<void> {
    await uniqueOr(
      () =>
        execute(
          this.tenant.manager,
          `UPDATE roles SET name = $2, description = $3, updated_at = now() WHERE id = $1`,
          [id, name, description],
        ),
      nameTaken(name),
    );
  }

  /** Its assignments go with it (ON DELETE CASCADE). */
  async deleteRole(id: string): Promise<void> {
    await execute(this.tenant.manager, `DELETE FROM roles WHERE id = $1`, [id]);
  }

  async removePermissionsExcept(roleId: string, codes: readonly PermissionCode[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `DELETE FROM role_permissions WHERE role_id = $1 AND NOT (permission_code = ANY($2))`,
      [roleId, codes],
    );
  }

  /** Joined with the school's own table: a code this school has not been synced to yet is skipped. */
  async addPermissions(roleId: string, codes: readonly PermissionCode[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO role_permissions (role_id, permission_code)
       SELECT $1, p.code FROM permissions p WHERE p.code = ANY($2::text[])
       ON CONFLICT DO NOTHING`,
      [roleId, codes],
    );
  }

  /** Whether some profile of this school is linked to the account. */
  async isPersonHere(userId: string): Promise<boolean> {
    const rows = await selectRows(
      this.tenant.manager,
      `SELECT 1 FROM profiles WHERE user_id = $1 LIMIT 1`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Whether the account holds the Owner role, active, as this transaction sees it. */
  async holdsOwnerRole(userId: string): Promise<boolean> {
    const rows = await selectRows(
      this.tenant.manager,
      `SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1 AND ur.is_active AND r.system_key = 'owner'`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Grants the role, or turns an inactive assignment back on; undefined when already active. */
  async activateAssignment(
    roleId: string,
    userId: string,
    grantedBy: string,
  ): Promise<AssignmentView | undefined> {
    const row = await selectRow<AssignmentRow>(
      this.tenant.manager,
      `INSERT INTO user_roles (user_id, role_id, is_active, granted_by, granted_at)
       VALUES ($1, $2, true, $3, now())
       ON CONFLICT (user_id, role_id) DO UPDATE
         SET is_active = true, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at
         WHERE NOT user_roles.is_active
       RETURNING ${ASSIGNMENT_COLUMNS}`,
      [userId, roleId, grantedBy],
    );
    return row && assignmentView(row);
  }

  async findAssignment(roleId: string, userId: string): Promise<AssignmentView | undefined> {
    const row = await selectRow<AssignmentRow>(
      this.tenant.manager,
      `SELECT ${ASSIGNMENT_COLUMNS} FROM user_roles WHERE role_id = $1 AND user_id = $2`,
      [roleId, userId],
    );
    return row && assignmentView(row);
  }

  /** Active holders of the role other than this account. */
  async countOtherHolders(roleId: string, userId: string): Promise<number> {
    const row = await selectRow<{ n: number }>(
      this.tenant.manager,
      `SELECT count(*)::int AS n FROM user_roles
        WHERE role_id = $1 AND is_active AND user_id <> $2`,
      [roleId, userId],
    );
    return row?.n ?? 0;
  }

  /** Turns an active assignment off; answers how many were (0 or 1). */
  deactivateAssignment(roleId: string, userId: string): Promise<number> {
    return execute(
      this.tenant.manager,
      `UPDATE user_roles SET is_active = false
        WHERE role_id = $1 AND user_id = $2 AND is_active`,
      [roleId, userId],
    );
  }
}
