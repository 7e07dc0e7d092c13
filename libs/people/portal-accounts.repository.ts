import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { type SystemRoleKey } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** The kinds of people an office activates, with the table of their record and their role. */
export const PORTAL_KINDS = {
  student: { table: 'students', role: 'student' },
  staff: { table: 'staff', role: 'instructor' },
  guardian: { table: 'guardians', role: 'guardian' },
} as const satisfies Record<string, { table: string; role: SystemRoleKey }>;

export type PortalKind = keyof typeof PORTAL_KINDS;

/** A person of one kind with what their portal account needs: names, email, the profile's link. */
export interface PortalPersonRow {
  id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  local_username: string | null;
  user_id: string | null;
}

/** Selects PortalPersonRows of one kind, as `p`; the kind's table is a fixed name. */
function peopleOf(kind: PortalKind): string {
  return `SELECT p.id, p.first_name, p.middle_name, p.last_name, p.email, p.local_username, p.user_id
            FROM profiles p JOIN ${PORTAL_KINDS[kind].table} k ON k.profile_id = p.id`;
}

/**
 * The school's side of its people's portal accounts: who is linked to what, and the roles the
 * links carry. Activation and the reset run in short transactions of their own, hence the
 * manager arguments; closing runs in the caller's.
 */
@Injectable()
export class PortalAccountsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** The people of `kind` among `ids`; with `lock`, their profiles stay locked until the end. */
  peopleOfKind(
    manager: EntityManager,
    kind: PortalKind,
    ids: readonly string[],
    lock: boolean,
  ): Promise<PortalPersonRow[]> {
    return selectRows<PortalPersonRow>(
      manager,
      `${peopleOf(kind)} WHERE p.id = ANY($1::uuid[]) ${lock ? 'FOR UPDATE OF p' : ''}`,
      [[...ids]],
    );
  }

  /** The people of `kind` linked to an account, by name. */
  activatedOfKind(
    kind: PortalKind,
  ): Promise<Array<PortalPersonRow & { user_id: string; local_username: string }>> {
    return selectRows<PortalPersonRow & { user_id: string; local_username: string }>(
      this.tenant.manager,
      `${peopleOf(kind)} WHERE p.user_id IS NOT NULL ORDER BY p.last_name, p.first_name, p.id`,
    );
  }

  /** Links each profile to its new account under its new local username. */
  async linkProfiles(
    manager: EntityManager,
    profileIds: readonly string[],
    userIds: readonly string[],
    usernames: readonly string[],
  ): Promise<void> {
    await execute(
      manager,
      `UPDATE profiles p SET user_id = a.user_id, local_username = a.username, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS a (profile_id, user_id, username)
        WHERE p.id = a.profile_id`,
      [[...profileIds], [...userIds], [...usernames]],
    );
  }

  /** Gives the accounts the kind's system role, turning an inactive assignment back on. */
  async grantKindRole(
    manager: EntityManager,
    kind: PortalKind,
    userIds: readonly string[],
    grantedBy: string,
  ): Promise<void> {
    await execute(
      manager,
      `INSERT INTO user_roles (user_id, role_id, granted_by)
       SELECT u, r.id, $3 FROM unnest($1::uuid[]) AS u, roles r WHERE r.system_key = $2
       ON CONFLICT (user_id, role_id) DO UPDATE
         SET is_active = true, granted_by = EXCLUDED.granted_by, granted_at = now()
         WHERE NOT user_roles.is_active`,
      [[...userIds], PORTAL_KINDS[kind].role, grantedBy],
    );
  }

  /** Of these accounts, those no profile here uses but these. */
  async accountsLeaving(
    manager: EntityManager,
    userIds: readonly string[],
    profileIds: readonly string[],
  ): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      manager,
      `SELECT u.id FROM unnest($1::uuid[]) AS u (id)
        WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = u.id AND p.id <> ALL($2::uuid[]))`,
      [[...userIds], [...profileIds]],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Locks the Owner role's row, as RolesService.unassign does, so a concurrent removal of an
   * Owner waits for this transaction.
   */
  async lockOwnerRole(manager: EntityManager): Promise<void> {
    await selectRows(manager, `SELECT 1 FROM roles WHERE system_key = 'owner' FOR UPDATE`);
  }

  /** Active Owners among these accounts, and among the others. */
  async countOwners(
    manager: EntityManager,
    userIds: readonly string[],
  ): Promise<{ leaving: number; staying: number }> {
    const owners = await selectRow<{ leaving: number; staying: number }>(
      manager,
      `SELECT count(*) FILTER (WHERE ur.user_id = ANY($1::uuid[]))::int AS leaving,
              count(*) FILTER (WHERE ur.user_id <> ALL($1::uuid[]))::int AS staying
         FROM user_roles ur JOIN roles r ON r.id = ur.role_id
        WHERE r.system_key = 'owner' AND ur.is_active`,
      [[...userIds]],
    );
    return owners ?? { leaving: 0, staying: 0 };
  }

  /** The profiles let go of their accounts and usernames, so reactivation can give them back. */
  async unlinkProfiles(manager: EntityManager, profileIds: readonly string[]): Promise<void> {
    await execute(
      manager,
      `UPDATE profiles SET user_id = NULL, local_username = NULL, updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [[...profileIds]],
    );
  }

  /**
   * Makes the kind's role inactive for the accounts that stay (`userIds` but not `leaving`)
   * and are no longer anyone of this kind here.
   */
  async deactivateKindRole(
    manager: EntityManager,
    kind: PortalKind,
    userIds: readonly string[],
    leaving: readonly string[],
  ): Promise<void> {
    await execute(
      manager,
      `UPDATE user_roles ur SET is_active = false FROM roles r
        WHERE r.id = ur.role_id AND ur.is_active AND ur.user_id = ANY($1::uuid[])
          AND ur.user_id <> ALL($2::uuid[]) AND r.system_key = $3
          AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = ur.user_id AND p.kind = $4)`,
      [[...userIds], [...leaving], PORTAL_KINDS[kind].role, kind],
    );
  }
}
