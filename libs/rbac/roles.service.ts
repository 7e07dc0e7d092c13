import { Injectable } from '@nestjs/common';
import { isUniqueViolation } from '@schoolyard/database';
import { PrincipalContext } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import { CallerAccess } from './caller-access';
import {
  type AssignmentView,
  type PermissionModuleView,
  type RoleDto,
  type RoleView,
} from './dto/roles.dto';
import {
  ALL_PERMISSION_CODES,
  isPermissionCode,
  type PermissionCode,
  PERMISSIONS,
  SYSTEM_ROLES,
} from './permission-catalog';
import {
  assignmentNotFound,
  forbidden,
  lastOwner,
  onlyOwnersManageOwners,
  ownerRoleProtected,
  personNotFound,
  roleNameTaken,
  roleNotFound,
  systemRoleProtected,
} from './rbac.errors';
import { SchoolAccess } from './school-access.service';

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

function view(row: RoleRow): RoleView {
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

/**
 * The school's roles and who holds them. Two rules keep the school governable: nobody hands
 * out a permission they do not hold themselves (only an Owner makes Owners), and the Owner role
 * keeps every permission and at least one active holder.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly caller: CallerAccess,
    private readonly principal: PrincipalContext,
    private readonly access: SchoolAccess,
  ) {}

  /** The code's catalog, which every school is synced to. */
  catalog(): PermissionModuleView[] {
    const modules = new Map<string, PermissionModuleView>();
    for (const { module, code, description } of PERMISSIONS) {
      const group = modules.get(module) ?? { module, permissions: [] };
      group.permissions.push({ code, description });
      modules.set(module, group);
    }
    return [...modules.values()];
  }

  async list(): Promise<RoleView[]> {
    // System roles first, in the catalog's order; then the school's own, oldest first.
    const rows: RoleRow[] = await this.tenant.manager.query(
      `SELECT ${ROLE_COLUMNS} FROM roles r
        ORDER BY array_position($1::text[], r.system_key) NULLS LAST, r.created_at, r.name`,
      [SYSTEM_ROLES.map((role) => role.key)],
    );
    return rows.map(view);
  }

  async create(role: RoleDto): Promise<RoleView> {
    this.mayGrant(role.permissions);
    const name = role.name.trim();
    try {
      const [created]: Array<{ id: string }> = await this.tenant.manager.query(
        `INSERT INTO roles (name, description) VALUES ($1, $2) RETURNING id`,
        [name, role.description ?? null],
      );
      await this.setPermissions(created.id, role.permissions);
      this.access.changedInTransaction();
      return this.find(created.id);
    } catch (error) {
      if (isUniqueViolation(error, 'roles_name_key')) throw roleNameTaken(name);
      throw error;
    }
  }

  async replace(id: string, role: RoleDto): Promise<RoleView> {
    const current = await this.find(id, { lock: 'update' });
    const name = role.name.trim();
    const wanted = new Set<string>(role.permissions);
    if (current.systemKey === 'owner') {
      const complete = ALL_PERMISSION_CODES.every((code) => wanted.has(code));
      if (name !== current.name || !complete) throw ownerRoleProtected();
    } else if (current.system && name !== current.name) {
      throw systemRoleProtected(`The system role "${current.name}" cannot be renamed`);
    }
    await this.mayManage(current);
    this.mayGrant(role.permissions);
    try {
      await this.tenant.manager.query(
        `UPDATE roles SET name = $2, description = $3, updated_at = now() WHERE id = $1`,
        [id, name, role.description ?? null],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'roles_name_key')) throw roleNameTaken(name);
      throw error;
    }
    await this.tenant.manager.query(
      `DELETE FROM role_permissions WHERE role_id = $1 AND NOT (permission_code = ANY($2))`,
      [id, role.permissions],
    );
    await this.setPermissions(id, role.permissions);
    this.access.changedInTransaction();
    return this.find(id);
  }

  async remove(id: string): Promise<void> {
    const current = await this.find(id, { lock: 'update' });
    if (current.systemKey === 'owner') throw ownerRoleProtected();
    if (current.system) {
      throw systemRoleProtected(`The system role "${current.name}" cannot be deleted`);
    }
    await this.mayManage(current);
    // Its assignments go with it (ON DELETE CASCADE).
    await this.tenant.manager.query(`DELETE FROM roles WHERE id = $1`, [id]);
    this.access.changedInTransaction();
  }

  async assign(roleId: string, userId: string): Promise<AssignmentView> {
    // FOR SHARE: a concurrent delete of the role waits for us (or we see it gone: 404), and a
    // concurrent Owner removal (FOR UPDATE) finishes before we re-check the caller below.
    const role = await this.find(roleId, { lock: 'share' });
    await this.mayManage(role);
    const people: unknown[] = await this.tenant.manager.query(
      `SELECT 1 FROM profiles WHERE user_id = $1 LIMIT 1`,
      [userId],
    );
    if (people.length === 0) throw personNotFound();
    const [row]: AssignmentRow[] = await this.tenant.manager.query(
      `INSERT INTO user_roles (user_id, role_id, is_active, granted_by, granted_at)
       VALUES ($1, $2, true, $3, now())
       ON CONFLICT (user_id, role_id) DO UPDATE
         SET is_active = true, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at
         WHERE NOT user_roles.is_active
       RETURNING ${ASSIGNMENT_COLUMNS}`,
      [userId, roleId, this.principal.principal.userId],
    );
    this.access.changedInTransaction();
    // No row back means it was already active: answer with it unchanged.
    return assignmentView(row ?? (await this.findAssignment(roleId, userId)));
  }

  async unassign(roleId: string, userId: string): Promise<void> {
    // Locking the role row serialises concurrent removals of the same role's holders, so two
    // Owners removing each other at once cannot leave the school with none.
    const role = await this.find(roleId, { lock: 'update' });
    await this.mayManage(role);
    if (role.systemKey === 'owner') {
      const others: Array<{ n: number }> = await this.tenant.manager.query(
        `SELECT count(*)::int AS n FROM user_roles
          WHERE role_id = $1 AND is_active AND user_id <> $2`,
        [roleId, userId],
      );
      if (others[0].n === 0) throw lastOwner();
    }
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not rows.
    const [changed]: Array<{ n: number }> = await this.tenant.manager.query(
      `WITH changed AS (
         UPDATE user_roles SET is_active = false
          WHERE role_id = $1 AND user_id = $2 AND is_active RETURNING 1)
       SELECT count(*)::int AS n FROM changed`,
      [roleId, userId],
    );
    if (changed.n === 0) throw assignmentNotFound();
    this.access.changedInTransaction();
  }

  private async find(id: string, options: { lock?: 'update' | 'share' } = {}): Promise<RoleView> {
    const lock = options.lock === undefined ? '' : `FOR ${options.lock.toUpperCase()} OF r`;
    const rows: RoleRow[] = await this.tenant.manager.query(
      `SELECT ${ROLE_COLUMNS} FROM roles r WHERE r.id = $1 ${lock}`,
      [id],
    );
    if (rows.length === 0) throw roleNotFound();
    return view(rows[0]);
  }

  private async findAssignment(roleId: string, userId: string): Promise<AssignmentRow> {
    const rows: AssignmentRow[] = await this.tenant.manager.query(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM user_roles WHERE role_id = $1 AND user_id = $2`,
      [roleId, userId],
    );
    return rows[0];
  }

  /** Joined with the school's own table: a code this school has not been synced to yet is skipped. */
  private async setPermissions(roleId: string, codes: readonly PermissionCode[]): Promise<void> {
    await this.tenant.manager.query(
      `INSERT INTO role_permissions (role_id, permission_code)
       SELECT $1, p.code FROM permissions p WHERE p.code = ANY($2::text[])
       ON CONFLICT DO NOTHING`,
      [roleId, codes],
    );
  }

  /**
   * Changing a role, or who holds it, needs every permission it carries: otherwise a holder of
   * roles.update could empty Admin. The Owner role is the Owners' alone, and that is re-checked
   * in this transaction, after the role row is locked, so an Owner demoted while this request
   * was in flight acts as Owner no more.
   */
  private async mayManage(role: RoleView): Promise<void> {
    if (role.systemKey !== 'owner') {
      this.mayGrant(role.permissions.filter(isPermissionCode));
      return;
    }
    const still: unknown[] = await this.tenant.manager.query(
      `SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE ur.user_id = $1 AND ur.is_active AND r.system_key = 'owner'`,
      [this.principal.principal.userId],
    );
    if (!this.caller.isOwner || still.length === 0) throw onlyOwnersManageOwners();
  }

  /** Nobody hands out a permission they do not hold. */
  private mayGrant(codes: readonly PermissionCode[]): void {
    const missing = codes.filter((code) => !this.caller.has(code));
    if (missing.length) throw forbidden(missing);
  }
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
