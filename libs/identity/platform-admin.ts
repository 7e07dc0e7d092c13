import { Client } from 'pg';
import { Passwords } from './passwords.service';
import { globalUsernameFor } from './usernames';

export type SeedOutcome = 'created' | 'promoted' | 'unchanged';

/**
 * Makes sure the platform admin named by SUPERUSER_EMAIL exists. Idempotent: an existing
 * account is promoted if needed and keeps its password (change it by signing in).
 */
export async function seedPlatformAdmin(
  ownerUrl: string,
  passwords: Passwords,
  admin: { email: string; password: string },
): Promise<SeedOutcome> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const found = await client.query<{ id: string; is_platform_admin: boolean }>(
      'SELECT id, is_platform_admin FROM public.users WHERE lower(email) = lower($1)',
      [admin.email],
    );
    if (found.rows[0]?.is_platform_admin) return 'unchanged';
    if (found.rows[0]) {
      await client.query(
        'UPDATE public.users SET is_platform_admin = true, updated_at = now() WHERE id = $1',
        [found.rows[0].id],
      );
      return 'promoted';
    }
    const hash = await passwords.hash(admin.password);
    const inserted = await client.query(
      `INSERT INTO public.users (global_username, email, password_hash, is_platform_admin)
       VALUES ($1, $2, $3, true) ON CONFLICT DO NOTHING RETURNING id`,
      [globalUsernameFor('admin'), admin.email, hash],
    );
    // Another instance starting at the same moment may have won the race: that is fine.
    return inserted.rowCount ? 'created' : 'unchanged';
  } finally {
    await client.end();
  }
}
