import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { Client } from 'pg';
import { Passwords } from './passwords.service';
import { globalUsernameFor } from './usernames';

/**
 * Any account with a verified email signs in at the platform's address, so a platform route
 * cannot assume its caller is an admin: the permissions guard serves a signed-in route there to
 * every account only when its access is `{ signedIn: reason }` (the caller's own account,
 * creating a school from it); `platform-admin`, and school permissions, mean admins only.
 */
export const platformAdminRequired = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'PLATFORM_ADMIN_REQUIRED',
    'Only a platform admin may do this',
  );

/** Whether an account is a platform admin, read on every such request (no cache to go stale). */
@Injectable()
export class PlatformAdmins {
  constructor(private readonly requests: PlatformDatabase) {}

  async isAdmin(userId: string): Promise<boolean> {
    const rows: Array<{ is_platform_admin: boolean }> = await this.requests.query(
      'SELECT is_platform_admin FROM public.users WHERE id = $1 AND is_active',
      [userId],
    );
    return rows[0]?.is_platform_admin === true;
  }
}

export type SeedOutcome = 'created' | 'promoted' | 'unchanged';

/**
 * Makes sure the platform admin named by SUPERUSER_EMAIL exists. Idempotent: an account that
 * has verified that email is promoted if needed and keeps its password (change it by signing
 * in). An unverified claim of the address is never promoted (anyone can register with any
 * address): the operator's address is taken as proved, a new admin account gets it, and the
 * claims are released as a verification would.
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
      `SELECT id, is_platform_admin FROM public.users
        WHERE lower(email) = lower($1) AND email_verified_at IS NOT NULL`,
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
    await client.query('BEGIN');
    const inserted = await client.query(
      `INSERT INTO public.users (global_username, email, email_verified_at, password_hash,
                                 is_platform_admin)
       VALUES ($1, $2, now(), $3, true) ON CONFLICT DO NOTHING RETURNING id`,
      [globalUsernameFor('admin'), admin.email, hash],
    );
    if (inserted.rowCount) {
      await client.query(
        `UPDATE public.users SET email = NULL, updated_at = now()
          WHERE lower(email) = lower($1) AND email_verified_at IS NULL`,
        [admin.email],
      );
    }
    await client.query('COMMIT');
    // Another instance starting at the same moment may have won the race: that is fine.
    return inserted.rowCount ? 'created' : 'unchanged';
  } finally {
    await client.end();
  }
}
