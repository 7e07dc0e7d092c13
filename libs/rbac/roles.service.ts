import { Injectable } from '@nestjs/common';
import { PrincipalContext } from '@schoolyard/identity';
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
} from './permission-catalog';
import {
  assignmentNotFound,
  forbidden,
  lastOwner,
  onlyOwnersManageOwners,
  ownerRoleProtected,
  personNotFound,
  roleNotFound,
  systemRoleProtected,
} from './rbac.errors';
import { type RoleLock, RolesRepository } from './roles.repository';
import { SchoolAccess } from './school-access.service';

/**
 * The school's roles and who holds them. Two rules keep the school governable: nobody hands
 * out a permission they do not hold themselves (only an Owner makes Owners), and the Owner role
 * keeps every permission and at least one active holder.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RolesRepository,
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

  list(): Promise<RoleView[]> {
    return this.roles.listRoles();
  }

  async create(role: RoleDto): Promise<RoleView> {
    this.mayGrant(role.permissions);
    const id = await this.roles.insertRole(role.name.trim(), role.description ?? null);
    await this.roles.addPermissions(id, role.permissions);
    this.access.changedInTransaction();
    return this.find(id);
  }

  async replace(id: string, role: RoleDto): Promise<RoleView> {
    const current = await this.find(id, 'update');
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
    await this.roles.renameRole(id, name, role.description ?? null);
    await this.roles.removePermissionsExcept(id, role.permissions);
    await this.roles.addPermissions(id, role.permissions);
    this.access.changedInTransaction();
    return this.find(id);
  }

  async remove(id: string): Promise<void> {
    const current = await this.find(id, 'update');
    if (current.systemKey === 'owner') throw ownerRoleProtected();
    if (current.system) {
      throw systemRoleProtected(`The system role "${current.name}" cannot be deleted`);
    }
    await this.mayManage(current);
    await this.roles.deleteRole(id);
    this.access.changedInTransaction();
  }

  async assign(roleId: string, userId: string): Promise<AssignmentView> {
    // FOR SHARE: a concurrent delete of the role waits for us (or we see it gone: 404), and a
    // concurrent Owner removal (FOR UPDATE) finishes before we re-check the caller below.
    const role = await this.find(roleId, 'share');
    await this.mayManage(role);
    if (!(await this.roles.isPersonHere(userId))) throw personNotFound();
    const granted = await this.roles.activateAssignment(
      roleId,
      userId,
      this.principal.principal.userId,
    );
    this.access.changedInTransaction();
    // Nothing back means it was already active: answer with it unchanged.
    const assignment = granted ?? (await this.roles.findAssignment(roleId, userId));
    if (!assignment) throw assignmentNotFound();
    return assignment;
  }

  async unassign(roleId: string, userId: string): Promise<void> {
    // Locking the role row serialises concurrent removals of the same role's holders, so two
    // Owners removing each other at once cannot leave the school with none.
    const role = await this.find(roleId, 'update');
    await this.mayManage(role);
    if (role.systemKey === 'owner' && (await this.roles.countOtherHolders(roleId, userId)) === 0) {
      throw lastOwner();
    }
    if ((await this.roles.deactivateAssignment(roleId, userId)) === 0) throw assignmentNotFound();
    this.access.changedInTransaction();
  }

  private async find(id: string, lock?: RoleLock): Promise<RoleView> {
    const role = await this.roles.findRole(id, lock);
    if (!role) throw roleNotFound();
    return role;
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
    const still = await this.roles.holdsOwnerRole(this.principal.principal.userId);
    if (!this.caller.isOwner || !still) throw onlyOwnersManageOwners();
  }

  /** Nobody hands out a permission they do not hold. */
  private mayGrant(codes: readonly PermissionCode[]): void {
    const missing = codes.filter((code) => !this.caller.has(code));
    if (missing.length) throw forbidden(missing);
  }
}
