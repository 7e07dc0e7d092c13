import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { globalUsernameFor } from '@schoolyard/identity';
import { TenantContext } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';

/*
 * What a school may do with global accounts, run inside its own tenant transaction. Each call
 * is one SECURITY DEFINER function of the public schema that finds the calling school from the
 * transaction's role and touches only accounts linked to it (migration PortalAccounts). The
 * methods take the manager of the caller's transaction: a request's, or one of the short
 * transactions activation, linking and the account cascade open themselves.
 */

export interface LinkedAccount {
  id: string;
  /** How the account came to this school: made by it, its owner's registration, or consent. */
  via: 'created' | 'registered' | 'consented';
  email: string | null;
  mustChangePassword: boolean;
  isActive: boolean;
  lastLoginAt: Date | null;
  /** Sealed; present only when this school issued it and it has not been changed yet. */
  temporaryPassword: string | null;
}

interface AccountRow {
  id: string;
  email: string | null;
  must_change_password: boolean;
  is_active: boolean;
  last_login_at: Date | null;
  temporary_password: string | null;
  via: LinkedAccount['via'];
}

const ACCOUNTS_OF = 'SELECT * FROM public.school_accounts($1::uuid[])';

export interface NewAccount {
  localUsername: string;
  email: string | null;
  passwordHash: string;
  /** Sealed with the account's id, hence the callback; absent when no slip is to be printed. */
  sealTemporaryPassword?: (userId: string) => string;
}

/**
 * Creates the accounts, linked to the calling school, and answers their ids in order. A
 * clash of the six random digits of a global username is retried with new digits. A function
 * as well as a method: the CLI's seed makes accounts in its own transaction.
 */
export async function createAccounts(
  manager: EntityManager,
  accounts: readonly NewAccount[],
): Promise<string[]> {
  const ids = accounts.map(() => randomUUID());
  let pending = accounts.map((_, index) => index);
  while (pending.length) {
    const created = await selectRows<{ user_id: string }>(
      manager,
      `SELECT user_id FROM public.create_school_accounts($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        pending.map((i) => ids[i]),
        pending.map((i) => globalUsernameFor(accounts[i].localUsername)),
        pending.map((i) => accounts[i].email),
        pending.map((i) => accounts[i].passwordHash),
        pending.map((i) => accounts[i].sealTemporaryPassword?.(ids[i]) ?? null),
      ],
    );
    const done = new Set(created.map((row) => row.user_id));
    pending = pending.filter((i) => !done.has(ids[i]));
  }
  return ids;
}

/** How long a link invitation stays good: the holder may be on holiday. */
export const LINK_INVITATION_VALID_FOR = '14 days';

@Injectable()
export class SchoolAccountsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * One query whatever the number of ids: the list endpoints call it once per page, as the
   * handler's final statement when nothing follows (`final`, in the request's transaction).
   */
  async linkedAccounts(
    manager: EntityManager,
    userIds: readonly string[],
    final = false,
  ): Promise<Map<string, LinkedAccount>> {
    if (userIds.length === 0) return new Map();
    const parameters = [[...userIds]];
    const rows = final
      ? await this.tenant.finalQuery<AccountRow[]>(ACCOUNTS_OF, parameters)
      : await selectRows<AccountRow>(manager, ACCOUNTS_OF, parameters);
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          email: row.email,
          mustChangePassword: row.must_change_password,
          isActive: row.is_active,
          lastLoginAt: row.last_login_at,
          temporaryPassword: row.temporary_password,
          via: row.via,
        },
      ]),
    );
  }

  /** How the account came to this school ('created', 'consented', 'registered'), or null. */
  async membershipOf(manager: EntityManager, userId: string): Promise<string | null> {
    const account = await selectRow<{ via: string }>(
      manager,
      'SELECT via FROM public.school_accounts($1::uuid[])',
      [[userId]],
    );
    return account?.via ?? null;
  }

  createAccounts(manager: EntityManager, accounts: readonly NewAccount[]): Promise<string[]> {
    return createAccounts(manager, accounts);
  }

  /**
   * Invites the holders of these emails to link their own account to these people, where a
   * verified account holds the email. Nothing comes back: the school cannot tell from it
   * whether anyone was invited, so activation answers alike for every email.
   */
  async inviteToLink(
    manager: EntityManager,
    people: ReadonlyArray<{ profileId: string; email: string }>,
  ): Promise<void> {
    if (people.length === 0) return;
    await execute(
      manager,
      'SELECT public.invite_account_links($1::uuid[], $2::text[], $3::interval)',
      [
        people.map((person) => person.profileId),
        people.map((person) => person.email),
        LINK_INVITATION_VALID_FOR,
      ],
    );
  }

  /** A pending invitation to link an account would give the access back once accepted. */
  async withdrawLinkInvitations(
    manager: EntityManager,
    profileIds: readonly string[],
  ): Promise<void> {
    await execute(manager, 'SELECT public.withdraw_link_invitations($1::uuid[])', [
      [...profileIds],
    ]);
  }

  /**
   * Accepts a link invitation in the inviting school's transaction: consumes the token and
   * makes the account a member by consent. Null when the token is not (or no longer) good here.
   */
  async acceptLink(
    manager: EntityManager,
    token: string,
  ): Promise<{ userId: string; profileId: string } | null> {
    const row = await selectRow<{ user_id: string; profile_id: string }>(
      manager,
      'SELECT * FROM public.accept_account_link($1)',
      [token],
    );
    return row ? { userId: row.user_id, profileId: row.profile_id } : null;
  }

  /** Removes an account this school made once its holder's own account replaced it. */
  async retireAccount(manager: EntityManager, userId: string): Promise<void> {
    await execute(manager, 'SELECT public.retire_school_account($1)', [userId]);
  }

  /**
   * Ends the accounts' sessions at this school and deactivates those this school made and no
   * other uses. Before the memberships go: end_school_access reads them to know what it may do.
   */
  async endSchoolAccess(manager: EntityManager, userIds: readonly string[]): Promise<void> {
    await execute(manager, 'SELECT public.end_school_access($1::uuid[])', [[...userIds]]);
  }

  async unlinkAccounts(manager: EntityManager, userIds: readonly string[]): Promise<void> {
    if (userIds.length) {
      await execute(manager, 'SELECT public.unlink_school_accounts($1::uuid[])', [[...userIds]]);
    }
  }

  /**
   * Gives an account this school created, and no other school links, a new password (sealed for
   * the slip) and ends all its sessions. Answers 'created' when done; anything else means nothing
   * changed: the membership's `via` as membershipOf answers it, or 'consented' when the holder
   * also linked the account to another school.
   */
  async resetAccountPassword(
    manager: EntityManager,
    userId: string,
    passwordHash: string,
    sealedTemporaryPassword: string,
  ): Promise<string | null> {
    const row = await selectRow<{ via: string | null }>(
      manager,
      'SELECT public.reset_school_account_password($1, $2, $3) AS via',
      [userId, passwordHash, sealedTemporaryPassword],
    );
    return row?.via ?? null;
  }
}
