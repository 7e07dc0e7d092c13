import { type Client } from 'pg';

/*
 * The statements that seed the platform admin at start-up, on a client of the owner's own (the
 * API's pools are not open yet): free functions over that client, no provider.
 */

/** The account that has verified this address, if any: an unverified claim proves nothing. */
export async function findVerifiedAccount(
  client: Client,
  email: string,
): Promise<{ id: string; is_platform_admin: boolean } | undefined> {
  const found = await client.query<{ id: string; is_platform_admin: boolean }>(
    `SELECT id, is_platform_admin FROM public.users
      WHERE lower(email) = lower($1) AND email_verified_at IS NOT NULL`,
    [email],
  );
  return found.rows[0];
}

export async function promoteToPlatformAdmin(client: Client, userId: string): Promise<void> {
  await client.query(
    'UPDATE public.users SET is_platform_admin = true, updated_at = now() WHERE id = $1',
    [userId],
  );
}

/**
 * A new admin account holding the address as proved, and the unverified claims of it released
 * as a verification would, in one transaction. False when a concurrent seeding won the race.
 */
export async function insertPlatformAdmin(
  client: Client,
  admin: { globalUsername: string; email: string; passwordHash: string },
): Promise<boolean> {
  await client.query('BEGIN');
  const inserted = await client.query(
    `INSERT INTO public.users (global_username, email, email_verified_at, password_hash,
                               is_platform_admin)
     VALUES ($1, $2, now(), $3, true) ON CONFLICT DO NOTHING RETURNING id`,
    [admin.globalUsername, admin.email, admin.passwordHash],
  );
  if (inserted.rowCount) {
    await client.query(
      `UPDATE public.users SET email = NULL, updated_at = now()
        WHERE lower(email) = lower($1) AND email_verified_at IS NULL`,
      [admin.email],
    );
  }
  await client.query('COMMIT');
  return Boolean(inserted.rowCount);
}
