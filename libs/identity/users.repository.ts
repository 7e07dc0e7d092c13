import { Injectable } from '@nestjs/common';
import { execute, selectRow } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** What sign-in needs of an account. */
export interface SignInAccountRow {
  id: string;
  password_hash: string;
  is_active: boolean;
  must_change_password: boolean;
}

export interface OwnAccountRow {
  id: string;
  email: string | null;
  must_change_password: boolean;
  is_platform_admin: boolean;
}

/** The hash, and the names a new password must not contain. */
export interface CredentialsRow {
  password_hash: string;
  global_username: string;
  email: string | null;
}

/**
 * Global accounts (`public.users`) as sign-in, the caller's own account and passwords use them.
 * Each method is one statement of its own, as the API's login role, with its COMMIT in the
 * same write; a method taking a manager runs in the caller's platform transaction.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  /**
   * profiles.user_id is the school's own data, which SQL run in the school could point at
   * anyone's account: only an account that is this school's member signs in here. Read even
   * for a null id (matching nothing), so an unknown name does the same work as a known one.
   */
  async findSchoolMember(
    userId: string | null,
    schoolId: string,
  ): Promise<SignInAccountRow | undefined> {
    const [row] = await this.platform.query<SignInAccountRow[]>(
      `SELECT u.id, u.password_hash, u.is_active, u.must_change_password
         FROM public.users u
         JOIN public.school_memberships m ON m.user_id = u.id AND m.organization_id = $2
        WHERE u.id = $1`,
      [userId, schoolId],
    );
    return row;
  }

  /** An account by its verified email only: anyone can type an unproved address. */
  async findByVerifiedEmail(
    email: string,
  ): Promise<(SignInAccountRow & { email: string }) | undefined> {
    const [row] = await this.platform.query<Array<SignInAccountRow & { email: string }>>(
      `SELECT id, password_hash, is_active, must_change_password, email FROM public.users
          WHERE lower(email) = $1 AND email_verified_at IS NOT NULL`,
      [email],
    );
    return row;
  }

  async recordSignIn(userId: string): Promise<void> {
    await this.platform.query(
      `UPDATE public.users SET failed_login_count = 0, last_login_at = now() WHERE id = $1`,
      [userId],
    );
  }

  /**
   * Counts a failed sign-in on the account, or on nothing for a null id: the statement runs
   * either way. Its commit does not wait for the disk (a lost count after a crash is harmless),
   * so changing a row takes no longer than changing none.
   */
  async recordFailedSignIn(userId: string | null): Promise<void> {
    await this.platform.query(
      `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
       UPDATE public.users SET failed_login_count = failed_login_count + 1,
              last_failed_login_at = now()
         FROM relaxed WHERE id = $1`,
      [userId],
    );
  }

  async findOwnAccount(userId: string): Promise<OwnAccountRow | undefined> {
    const [row] = await this.platform.query<OwnAccountRow[]>(
      `SELECT id, email, must_change_password, is_platform_admin FROM public.users WHERE id = $1`,
      [userId],
    );
    return row;
  }

  async findCredentials(userId: string): Promise<CredentialsRow | undefined> {
    const [row] = await this.platform.query<CredentialsRow[]>(
      `SELECT password_hash, global_username, email FROM public.users WHERE id = $1`,
      [userId],
    );
    return row;
  }

  /**
   * The new hash ends a temporary password and the demand to change it: on its own, or in the
   * caller's transaction (a reset, which spends its token there too).
   */
  async setPassword(userId: string, hash: string, manager?: EntityManager): Promise<void> {
    const sql = `UPDATE public.users SET password_hash = $2, must_change_password = false,
              temporary_password = NULL, temporary_password_school = NULL, updated_at = now()
        WHERE id = $1`;
    if (manager) await execute(manager, sql, [userId, hash]);
    else await this.platform.query(sql, [userId, hash]);
  }

  /** The active account that has proved this address, in the caller's transaction. */
  findMailableAccount(manager: EntityManager, email: string) {
    return selectRow<{ id: string; email: string }>(
      manager,
      `SELECT id, email FROM public.users
        WHERE lower(email) = $1 AND email_verified_at IS NOT NULL AND is_active`,
      [email],
    );
  }

  async isPlatformAdmin(userId: string): Promise<boolean> {
    const [row] = await this.platform.query<Array<{ is_platform_admin: boolean }>>(
      'SELECT is_platform_admin FROM public.users WHERE id = $1 AND is_active',
      [userId],
    );
    return row?.is_platform_admin === true;
  }
}
