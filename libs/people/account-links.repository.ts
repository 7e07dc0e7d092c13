import { accountTokenHash } from '@schoolyard/identity';
import { type PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** An unused, unexpired link invitation, and where the school that sent it lives. */
export interface PendingInvitation {
  userId: string;
  organizationId: string;
  schoolHost: string;
}

/** Read as the API's login role, before any school is known: by the token's hash only. */
export async function pendingInvitation(
  requests: PlatformDatabase,
  token: string,
): Promise<PendingInvitation | null> {
  const rows: Array<{ user_id: string; organization_id: string; host: string }> =
    await requests.query(
      `SELECT t.user_id, t.organization_id, d.host
         FROM public.account_tokens t
         JOIN public.domains d ON d.organization_id = t.organization_id
        WHERE t.token_hash = $1 AND t.purpose = 'link_school'
          AND t.used_at IS NULL AND t.expires_at > now()
        ORDER BY d.is_primary DESC, d.created_at
        LIMIT 1`,
      [accountTokenHash(token)],
    );
  const row = rows[0];
  return row
    ? { userId: row.user_id, organizationId: row.organization_id, schoolHost: row.host }
    : null;
}

/** The account's hash, to check the password of a holder accepting without signing in. */
export async function passwordHashOf(
  requests: PlatformDatabase,
  userId: string,
): Promise<string | null> {
  const rows: Array<{ password_hash: string }> = await requests.query(
    'SELECT password_hash FROM public.users WHERE id = $1 AND is_active',
    [userId],
  );
  return rows[0]?.password_hash ?? null;
}

export interface LinkedPerson {
  localUsername: string;
  /** The account this school made for the person, now replaced. */
  replacedUserId: string;
}

/**
 * Points the person at the holder's account and hands it the roles the school's own account
 * had. Null when the person is gone or no longer active here: the school has since turned
 * their access off, and a link must not turn it back on.
 */
export async function relinkPerson(
  manager: EntityManager,
  profileId: string,
  holderId: string,
): Promise<LinkedPerson | null> {
  const rows: Array<{ user_id: string | null; local_username: string | null }> =
    await manager.query('SELECT user_id, local_username FROM profiles WHERE id = $1 FOR UPDATE', [
      profileId,
    ]);
  const person = rows[0];
  if (!person?.user_id || !person.local_username) return null;
  const replacedUserId = person.user_id;
  await manager.query('UPDATE profiles SET user_id = $2, updated_at = now() WHERE id = $1', [
    profileId,
    holderId,
  ]);
  await manager.query(
    `INSERT INTO user_roles (user_id, role_id, is_active, granted_by, granted_at)
     SELECT $2, role_id, is_active, granted_by, granted_at FROM user_roles WHERE user_id = $1
     ON CONFLICT (user_id, role_id) DO NOTHING`,
    [replacedUserId, holderId],
  );
  await manager.query('DELETE FROM user_roles WHERE user_id = $1', [replacedUserId]);
  return { localUsername: person.local_username, replacedUserId };
}
