import { Injectable } from '@nestjs/common';
import { execute, selectRow } from '@schoolyard/common';
import { accountTokenHash } from '@schoolyard/identity';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** An unused, unexpired link invitation, and where the school that sent it lives. */
export interface PendingInvitation {
  userId: string;
  organizationId: string;
  schoolHost: string;
}

/** The profile an invitation points at: the account this school made for it, and its username. */
export interface LinkedProfile {
  userId: string | null;
  localUsername: string | null;
}

/**
 * Accepting a link: the invitation and the holder's hash are platform reads made before any
 * school is known; the relinking runs in the inviting school's transaction (manager argument).
 */
@Injectable()
export class AccountLinksRepository {
  constructor(private readonly requests: PlatformDatabase) {}

  /** Read as the API's login role, before any school is known: by the token's hash only. */
  async pendingInvitation(token: string): Promise<PendingInvitation | null> {
    const rows: Array<{ user_id: string; organization_id: string; host: string }> =
      await this.requests.query(
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
  async passwordHashOf(userId: string): Promise<string | null> {
    const rows: Array<{ password_hash: string }> = await this.requests.query(
      'SELECT password_hash FROM public.users WHERE id = $1 AND is_active',
      [userId],
    );
    return rows[0]?.password_hash ?? null;
  }

  /** The profile, locked until the transaction ends; undefined when it is gone. */
  async lockProfile(manager: EntityManager, profileId: string): Promise<LinkedProfile | undefined> {
    const row = await selectRow<{ user_id: string | null; local_username: string | null }>(
      manager,
      'SELECT user_id, local_username FROM profiles WHERE id = $1 FOR UPDATE',
      [profileId],
    );
    return row && { userId: row.user_id, localUsername: row.local_username };
  }

  async pointProfileAt(manager: EntityManager, profileId: string, holderId: string): Promise<void> {
    await execute(manager, 'UPDATE profiles SET user_id = $2, updated_at = now() WHERE id = $1', [
      profileId,
      holderId,
    ]);
  }

  /** The holder's account gets the replaced account's roles (those it already has stay as they are). */
  async copyAssignments(
    manager: EntityManager,
    fromUserId: string,
    toUserId: string,
  ): Promise<void> {
    await execute(
      manager,
      `INSERT INTO user_roles (user_id, role_id, is_active, granted_by, granted_at)
       SELECT $2, role_id, is_active, granted_by, granted_at FROM user_roles WHERE user_id = $1
       ON CONFLICT (user_id, role_id) DO NOTHING`,
      [fromUserId, toUserId],
    );
  }
}
