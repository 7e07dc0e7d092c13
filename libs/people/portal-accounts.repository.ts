import { type EntityManager } from 'typeorm';
import { lastOwnerAccount } from './people.errors';
import { PORTAL_KINDS, type PortalKind } from './portal-activation.service';
import { unlinkAccounts } from './school-accounts';

/** A person of one kind with what their portal account needs: the profile's link. */
export interface PersonAccountRow {
  id: string;
  first_name: string;
  last_name: string;
  local_username: string | null;
  user_id: string | null;
}

/** The people of `kind` among `ids`; with `lock`, their profiles stay locked until the end. */
export function peopleOfKind(
  manager: EntityManager,
  kind: PortalKind,
  ids: readonly string[],
  lock: boolean,
): Promise<PersonAccountRow[]> {
  return manager.query(
    `SELECT p.id, p.first_name, p.last_name, p.local_username, p.user_id
       FROM profiles p JOIN ${PORTAL_KINDS[kind].table} k ON k.profile_id = p.id
      WHERE p.id = ANY($1::uuid[])
      ${lock ? 'FOR UPDATE OF p' : ''}`,
    [[...ids]],
  );
}

/**
 * Ends the portal access in this school of these people of `kind`, in the caller's transaction:
 * their profiles let go of their accounts (and usernames, so reactivation can give them back).
 * Pending invitations to link an account to these profiles are withdrawn.
 * An account no other profile here uses loses its roles, its sessions at this school and its
 * membership, and is deactivated if this school made it and no other school uses it (see
 * end_school_access). An account that is still someone else here (the same person as a
 * guardian, say) keeps its membership and sessions and loses only this kind's role.
 *
 * Refuses with LAST_OWNER, changing nothing, if that would leave the school no active Owner.
 * Answers the accounts that left the school.
 */
export async function releaseAccounts(
  manager: EntityManager,
  kind: PortalKind,
  people: ReadonlyArray<Pick<PersonAccountRow, 'id' | 'user_id'>>,
): Promise<string[]> {
  const profileIds = people.map((person) => person.id);
  const userIds = [
    ...new Set(people.flatMap((person) => (person.user_id ? [person.user_id] : []))),
  ];
  // A pending invitation to link an account would give the access back once accepted.
  await manager.query('SELECT public.withdraw_link_invitations($1::uuid[])', [profileIds]);
  if (userIds.length === 0) return [];
  const leaving: string[] = (
    await manager.query(
      `SELECT u.id FROM unnest($1::uuid[]) AS u (id)
        WHERE NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = u.id AND p.id <> ALL($2::uuid[]))`,
      [userIds, profileIds],
    )
  ).map((row: { id: string }) => row.id);
  if (leaving.length) await keepAnOwner(manager, leaving);

  await manager.query(
    `UPDATE profiles SET user_id = NULL, local_username = NULL, updated_at = now()
      WHERE id = ANY($1::uuid[])`,
    [profileIds],
  );
  // An account that stays keeps its assignment rows, this kind's role made inactive (as a role
  // taken away is). One that leaves keeps none: a row here naming an account this school no
  // longer links would be missed by the cascade that follows the account's deletion.
  await manager.query(
    `UPDATE user_roles ur SET is_active = false FROM roles r
      WHERE r.id = ur.role_id AND ur.is_active AND ur.user_id = ANY($1::uuid[])
        AND ur.user_id <> ALL($2::uuid[]) AND r.system_key = $3
        AND NOT EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = ur.user_id AND p.kind = $4)`,
    [userIds, leaving, PORTAL_KINDS[kind].role, kind],
  );
  if (leaving.length) {
    await manager.query(`DELETE FROM user_roles WHERE user_id = ANY($1::uuid[])`, [leaving]);
    // Before the memberships go: end_school_access reads them to know what it may do.
    await manager.query('SELECT public.end_school_access($1::uuid[])', [leaving]);
    await unlinkAccounts(manager, leaving);
  }
  return leaving;
}

/**
 * The Owner role's row is locked first, as RolesService.unassign does, so a concurrent removal
 * of an Owner waits; the count is a statement of its own so its snapshot sees what that
 * removal committed.
 */
async function keepAnOwner(manager: EntityManager, leaving: readonly string[]): Promise<void> {
  await manager.query(`SELECT 1 FROM roles WHERE system_key = 'owner' FOR UPDATE`);
  const [owners]: Array<{ leaving: number; staying: number }> = await manager.query(
    `SELECT count(*) FILTER (WHERE ur.user_id = ANY($1::uuid[]))::int AS leaving,
            count(*) FILTER (WHERE ur.user_id <> ALL($1::uuid[]))::int AS staying
       FROM user_roles ur JOIN roles r ON r.id = ur.role_id
      WHERE r.system_key = 'owner' AND ur.is_active`,
    [[...leaving]],
  );
  if (owners.leaving > 0 && owners.staying === 0) throw lastOwnerAccount();
}

/** How the account came to this school ('created', 'consented', 'registered'), or null. */
export async function membershipOf(manager: EntityManager, userId: string): Promise<string | null> {
  const [account]: Array<{ via: string }> = await manager.query(
    'SELECT via FROM public.school_accounts($1::uuid[])',
    [[userId]],
  );
  return account?.via ?? null;
}

/**
 * Gives an account this school created, and no other school links, a new password (sealed for
 * the slip) and ends all its sessions. Answers 'created' when done; anything else means nothing
 * changed: the membership's `via` as membershipOf answers it, or 'consented' when the holder
 * also linked the account to another school.
 */
export async function resetAccountPassword(
  manager: EntityManager,
  userId: string,
  passwordHash: string,
  sealedTemporaryPassword: string,
): Promise<string | null> {
  const [row]: Array<{ via: string | null }> = await manager.query(
    'SELECT public.reset_school_account_password($1, $2, $3) AS via',
    [userId, passwordHash, sealedTemporaryPassword],
  );
  return row.via;
}
