import { globalUsernameFor } from '@schoolyard/identity';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';

/**
 * What a school may do with global accounts, run inside its own tenant transaction. Each call
 * is one SECURITY DEFINER function of the public schema that finds the calling school from the
 * transaction's role and touches only accounts linked to it (migration PortalAccounts).
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

/** TenantContext.finalQuery, for a read that ends its transaction. */
export type FinalQuery = (sql: string, parameters: unknown[]) => Promise<unknown>;

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

/**
 * One query whatever the number of ids: the list endpoints call it once per page, as the
 * handler's final statement when nothing follows (`final`).
 */
export async function linkedAccounts(
  manager: EntityManager,
  userIds: readonly string[],
  final?: FinalQuery,
): Promise<Map<string, LinkedAccount>> {
  if (userIds.length === 0) return new Map();
  const parameters = [[...userIds]];
  const rows = (await (final
    ? final(ACCOUNTS_OF, parameters)
    : manager.query(ACCOUNTS_OF, parameters))) as AccountRow[];
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

export interface NewAccount {
  localUsername: string;
  email: string | null;
  passwordHash: string;
  /** Sealed with the account's id, hence the callback; absent when no slip is to be printed. */
  sealTemporaryPassword?: (userId: string) => string;
}

/**
 * Creates the accounts, linked to the calling school, and answers their ids in order. A
 * clash of the six random digits of a global username is retried with new digits.
 */
export async function createAccounts(
  manager: EntityManager,
  accounts: readonly NewAccount[],
): Promise<string[]> {
  const ids = accounts.map(() => randomUUID());
  let pending = accounts.map((_, index) => index);
  while (pending.length) {
    const created: Array<{ user_id: string }> = await manager.query(
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

/**
 * Invites the holders of these emails to link their own account to these people, where a
 * verified account holds the email. Nothing comes back: the school cannot tell from it
 * whether anyone was invited, so activation answers alike for every email.
 */
export async function inviteToLink(
  manager: EntityManager,
  people: ReadonlyArray<{ profileId: string; email: string }>,
): Promise<void> {
  if (people.length === 0) return;
  await manager.query('SELECT public.invite_account_links($1::uuid[], $2::text[], $3::interval)', [
    people.map((person) => person.profileId),
    people.map((person) => person.email),
    LINK_INVITATION_VALID_FOR,
  ]);
}

/**
 * Accepts a link invitation in the inviting school's transaction: consumes the token and
 * makes the account a member by consent. Null when the token is not (or no longer) good here.
 */
export async function acceptLink(
  manager: EntityManager,
  token: string,
): Promise<{ userId: string; profileId: string } | null> {
  const rows: Array<{ user_id: string; profile_id: string }> = await manager.query(
    'SELECT * FROM public.accept_account_link($1)',
    [token],
  );
  return rows[0] ? { userId: rows[0].user_id, profileId: rows[0].profile_id } : null;
}

/** Removes an account this school made once its holder's own account replaced it. */
export async function retireAccount(manager: EntityManager, userId: string): Promise<void> {
  await manager.query('SELECT public.retire_school_account($1)', [userId]);
}

export async function unlinkAccounts(manager: EntityManager, userIds: readonly string[]) {
  if (userIds.length) {
    await manager.query('SELECT public.unlink_school_accounts($1::uuid[])', [[...userIds]]);
  }
}
