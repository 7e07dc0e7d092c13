import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import { AppError, validationFailed } from '@schoolyard/common';
import {
  PlatformDatabase,
  type School,
  TenantContext,
  TenantTransactions,
} from '@schoolyard/tenancy';
import { passwordProblems } from '../password-policy';
import { Passwords } from '../passwords.service';
import { invalidCredentials } from './auth.errors';
import { AuthSessions } from './auth-sessions.service';
import { AuthTokens } from './auth-tokens.service';
import { DeviceTokens } from './device-tokens';
import { SignInThrottle } from './sign-in-throttle';
import { MemberAccessReader } from './member-access';
import { type Principal } from './principal';

interface Account {
  userId: string;
  passwordHash: string;
  isActive: boolean;
  mustChangePassword: boolean;
  username: string;
  displayName: string;
}

export interface SignedIn {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** Trusts this client for this login at its next sign-ins (see SignInThrottle). */
  deviceToken: string;
  user: { id: string; username: string; displayName: string };
  school: { slug: string; name: string } | null;
  mustChangePassword: boolean;
}

export interface SignInClient {
  address: string;
  /** Device tokens the client presented (header, cookie), any of which may be absent. */
  deviceTokens: Array<string | undefined>;
}

interface ProfileRow {
  id: string;
  kind: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  local_username: string | null;
  user_id: string;
}

const displayNameOf = (profile: Pick<ProfileRow, 'first_name' | 'last_name'>) =>
  `${profile.first_name} ${profile.last_name}`.trim();

/**
 * Sign-in, token refresh, sign-out, the caller's own account and password. Database work
 * happens in short steps (the school's profile in its transaction, the global account as the
 * API's login role) and argon2 runs between them, holding no connection.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly requests: PlatformDatabase,
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly sessions: AuthSessions,
    private readonly tokens: AuthTokens,
    private readonly throttle: SignInThrottle,
    private readonly devices: DeviceTokens,
    @Optional() private readonly memberAccess?: MemberAccessReader,
  ) {}

  /**
   * An unknown name and a known name with a wrong password do the same work: the same
   * statements in the same order (the account read and the failure record run with no id) and
   * one argon2 verification (the decoy's), so neither time nor load tells them apart.
   */
  async signIn(identifier: string, password: string, client: SignInClient): Promise<SignedIn> {
    const school = this.tenant.hasSchool ? this.tenant.school : null;
    const name = identifier.trim().toLowerCase();
    const loginKey = `${school?.id ?? 'platform'}:${name}`;
    const device = this.devices.deviceOf(client.deviceTokens, loginKey);
    const attempt = this.throttle.admit(loginKey, client.address, device);

    const account = school
      ? await this.schoolAccount(school, name)
      : await this.platformAdmin(name);
    const passwordOk = await this.passwords.verifyOrWaste(
      account?.passwordHash,
      password,
      account ? `user ${account.userId}` : undefined,
    );
    if (!account || !passwordOk || !account.isActive) {
      attempt.failed();
      await this.recordFailure(account?.userId ?? null);
      throw invalidCredentials();
    }
    attempt.succeeded();
    await this.requests.query(
      `UPDATE public.users SET failed_login_count = 0, last_login_at = now() WHERE id = $1`,
      [account.userId],
    );
    const { sessionId, refreshToken } = await this.sessions.open(
      account.userId,
      school?.id ?? null,
    );
    const accessToken = this.tokens.signAccess({
      userId: account.userId,
      sessionId,
      schoolId: school?.id ?? null,
      mustChangePassword: account.mustChangePassword,
    });
    return {
      accessToken,
      refreshToken,
      sessionId,
      deviceToken: this.devices.issue(loginKey),
      user: { id: account.userId, username: account.username, displayName: account.displayName },
      school: school ? { slug: school.slug, name: school.name } : null,
      mustChangePassword: account.mustChangePassword,
    };
  }

  async refresh(
    refreshToken: string,
    csrfCheck?: (sessionId: string) => void,
  ): Promise<{ accessToken: string; refreshToken: string; sessionId: string }> {
    const schoolId = this.tenant.hasSchool ? this.tenant.school.id : null;
    const rotated = await this.sessions.rotate(refreshToken, schoolId, csrfCheck);
    const accessToken = this.tokens.signAccess({
      userId: rotated.userId,
      sessionId: rotated.sessionId,
      schoolId,
      mustChangePassword: rotated.mustChangePassword,
    });
    return { accessToken, refreshToken: rotated.refreshToken, sessionId: rotated.sessionId };
  }

  signOut(principal: Principal): Promise<void> {
    return this.sessions.revoke(principal.sessionId, 'logout');
  }

  async me(principal: Principal) {
    const users: Array<{
      id: string;
      email: string | null;
      must_change_password: boolean;
      is_platform_admin: boolean;
    }> = await this.requests.query(
      `SELECT id, email, must_change_password, is_platform_admin FROM public.users WHERE id = $1`,
      [principal.userId],
    );
    const user = users[0];
    const school = this.tenant.hasSchool ? this.tenant.school : null;
    const [profile, access] = school
      ? await Promise.all([
          this.profileOf(school, principal.userId),
          this.memberAccess?.accessOf(school, principal.userId),
        ])
      : [null, undefined];
    return {
      user: {
        id: user.id,
        username: profile?.local_username ?? user.email ?? '',
        displayName: profile ? displayNameOf(profile) : (user.email ?? ''),
        email: user.email,
        mustChangePassword: user.must_change_password,
        isPlatformAdmin: user.is_platform_admin,
      },
      school: school ? { id: school.id, slug: school.slug, name: school.name } : null,
      profile: profile
        ? {
            id: profile.id,
            kind: profile.kind,
            firstName: profile.first_name,
            middleName: profile.middle_name,
            lastName: profile.last_name,
            email: profile.email,
          }
        : null,
      roles: access?.roles ?? [],
      permissions: access?.permissions ?? [],
    };
  }

  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
  ): Promise<string> {
    const users: Array<{ password_hash: string; global_username: string; email: string | null }> =
      await this.requests.query(
        `SELECT password_hash, global_username, email FROM public.users WHERE id = $1`,
        [principal.userId],
      );
    const user = users[0];
    if (
      !(await this.passwords.verify(
        user.password_hash,
        currentPassword,
        `user ${principal.userId}`,
      ))
    ) {
      throw new AppError(
        HttpStatus.BAD_REQUEST,
        'INVALID_CURRENT_PASSWORD',
        'The current password is wrong',
        [{ field: 'currentPassword', problems: ['currentPassword is wrong'] }],
      );
    }
    const school = this.tenant.hasSchool ? this.tenant.school : null;
    const profile = school ? await this.profileOf(school, principal.userId) : null;
    const problems = passwordProblems(newPassword, [
      profile?.local_username,
      user.global_username,
      user.email,
    ]);
    if (newPassword === currentPassword)
      problems.push('newPassword must differ from the current password');
    if (problems.length) throw validationFailed([{ field: 'newPassword', problems }]);

    const hash = await this.passwords.hash(newPassword);
    await this.requests.query(
      `UPDATE public.users SET password_hash = $2, must_change_password = false, updated_at = now(),
              temporary_password = NULL, temporary_password_school = NULL
        WHERE id = $1`,
      [principal.userId, hash],
    );
    await this.sessions.revokeOthers(principal.userId, principal.sessionId, 'password_changed');
    return this.tokens.signAccess({ ...principal, mustChangePassword: false });
  }

  private async schoolAccount(school: School, localUsername: string): Promise<Account | null> {
    const profiles: ProfileRow[] = await this.transactions.run(school, (manager) =>
      manager.query(
        `SELECT id, kind, first_name, middle_name, last_name, email, local_username, user_id
           FROM profiles WHERE local_username = $1 AND user_id IS NOT NULL`,
        [localUsername],
      ),
    );
    const profile = profiles[0];
    // Read even without a profile (matching nothing): see signIn.
    const users: Array<{
      id: string;
      password_hash: string;
      is_active: boolean;
      must_change_password: boolean;
    }> = await this.requests.query(
      // profiles.user_id is the school's own data, which SQL run in the school could point at
      // anyone's account: only an account that is this school's member signs in here.
      `SELECT u.id, u.password_hash, u.is_active, u.must_change_password
         FROM public.users u
         JOIN public.school_memberships m ON m.user_id = u.id AND m.organization_id = $2
        WHERE u.id = $1`,
      [profile?.user_id ?? null, school.id],
    );
    const user = users[0];
    if (!profile || !user) return null;
    return {
      userId: user.id,
      passwordHash: user.password_hash,
      isActive: user.is_active,
      mustChangePassword: user.must_change_password,
      username: localUsername,
      displayName: displayNameOf(profile),
    };
  }

  /**
   * Counts a failed sign-in on the account, or on nothing for an unknown name: the statement
   * runs either way. Its commit does not wait for the disk (a lost count after a crash is
   * harmless), so changing a row takes no longer than changing none.
   */
  private async recordFailure(userId: string | null): Promise<void> {
    await this.requests.query(
      `WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true))
       UPDATE public.users SET failed_login_count = failed_login_count + 1,
              last_failed_login_at = now()
         FROM relaxed WHERE id = $1`,
      [userId],
    );
  }

  /**
   * At the platform address an account signs in by its verified email: a platform admin, or
   * an owner who creates another school from their account. An unverified claim never signs
   * in here (anyone can type any address). What a non-admin may do at the platform is decided
   * per route (its `@Route` access; see platform-admin.ts).
   */
  private async platformAdmin(email: string): Promise<Account | null> {
    const users: Array<{
      id: string;
      password_hash: string;
      is_active: boolean;
      must_change_password: boolean;
      email: string;
    }> = await this.requests.query(
      `SELECT id, password_hash, is_active, must_change_password, email FROM public.users
          WHERE lower(email) = $1 AND email_verified_at IS NOT NULL`,
      [email],
    );
    const user = users[0];
    if (!user) return null;
    return {
      userId: user.id,
      passwordHash: user.password_hash,
      isActive: user.is_active,
      mustChangePassword: user.must_change_password,
      username: user.email,
      displayName: user.email,
    };
  }

  private async profileOf(school: School, userId: string): Promise<ProfileRow | null> {
    const rows: ProfileRow[] = await this.transactions.run(school, (manager) =>
      manager.query(
        `SELECT id, kind, first_name, middle_name, last_name, email, local_username, user_id
           FROM profiles WHERE user_id = $1 ORDER BY created_at LIMIT 1`,
        [userId],
      ),
    );
    return rows[0] ?? null;
  }
}
