import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import { Client } from 'pg';
import { Passwords } from './passwords.service';
import {
  findVerifiedAccount,
  insertPlatformAdmin,
  promoteToPlatformAdmin,
} from './platform-admin.repository';
import { UsersRepository } from './users.repository';
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
  constructor(private readonly users: UsersRepository) {}

  isAdmin(userId: string): Promise<boolean> {
    return this.users.isPlatformAdmin(userId);
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
    const found = await findVerifiedAccount(client, admin.email);
    if (found?.is_platform_admin) return 'unchanged';
    if (found) {
      await promoteToPlatformAdmin(client, found.id);
      return 'promoted';
    }
    const hash = await passwords.hash(admin.password);
    const created = await insertPlatformAdmin(client, {
      globalUsername: globalUsernameFor('admin'),
      email: admin.email,
      passwordHash: hash,
    });
    // Another instance starting at the same moment may have won the race: that is fine.
    return created ? 'created' : 'unchanged';
  } finally {
    await client.end();
  }
}
