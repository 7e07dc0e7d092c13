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
  email: string | null;
  mustChangePassword: boolean;
  isActive: boolean;
  lastLoginAt: Date | null;
  /** Sealed; present only when this school issued it and it has not been changed yet. */
  temporaryPassword: string | null;
}

/** One query whatever the number of ids: the list endpoints call it once per page. */
export async function linkedAccounts(
  manager: EntityManager,
  userIds: readonly string[],
): Promise<Map<string, LinkedAccount>> {
  if (userIds.length === 0) return new Map();
  const rows: Array<{
    id: string;
    email: string | null;
    must_change_password: boolean;
    is_active: boolean;
    last_login_at: Date | null;
    temporary_password: string | null;
  }> = await manager.query('SELECT * FROM public.school_accounts($1::uuid[])', [[...userIds]]);
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
      },
    ]),
  );
}

/** Email as given → id of the account that already uses it (case aside), anywhere on the platform. */
export async function accountsByEmail(
  manager: EntityManager,
  emails: readonly string[],
): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows: Array<{ id: string; email: string }> = await manager.query(
    'SELECT * FROM public.accounts_by_email($1::text[])',
    [[...emails]],
  );
  return new Map(rows.map((row) => [row.email, row.id]));
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

export async function linkAccounts(manager: EntityManager, userIds: readonly string[]) {
  if (userIds.length) {
    await manager.query('SELECT public.link_school_accounts($1::uuid[])', [[...userIds]]);
  }
}

export async function unlinkAccounts(manager: EntityManager, userIds: readonly string[]) {
  if (userIds.length) {
    await manager.query('SELECT public.unlink_school_accounts($1::uuid[])', [[...userIds]]);
  }
}
