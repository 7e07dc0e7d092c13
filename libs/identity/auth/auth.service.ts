import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import { type SchoolAuditEvent } from '@schoolyard/audit';
import { AppError, validationFailed } from '@schoolyard/common';
import { Metrics } from '@schoolyard/metrics';
import { type School, TenantContext } from '@schoolyard/tenancy';
import { passwordProblems } from '../password-policy';
import { Passwords } from '../passwords.service';
import { UsersRepository } from '../users.repository';
import { invalidCredentials } from './auth.errors';
import { AuthSessions } from './auth-sessions.service';
import { AuthTokens } from './auth-tokens.service';
import { DeviceTokens } from './device-tokens';
import { type AdmittedAttempt, SignInThrottle } from './sign-in-throttle';
import { MemberAccessReader } from './member-access';
import { type Principal } from './principal';
import {
  displayNameOf,
  ownProfileView,
  SchoolProfilesRepository,
} from './school-profiles.repository';

interface Account {
  userId: string;
  /** The person in this school (school sign-ins only), for the audit trail. */
  profileId: string | null;
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

/**
 * Sign-in, token refresh, sign-out, the caller's own account and password. Database work
 * happens in short steps (the school's profile in its transaction, the global account as the
 * API's login role) and argon2 runs between them, holding no connection.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly profiles: SchoolProfilesRepository,
    private readonly tenant: TenantContext,
    private readonly passwords: Passwords,
    private readonly sessions: AuthSessions,
    private readonly tokens: AuthTokens,
    private readonly throttle: SignInThrottle,
    private readonly devices: DeviceTokens,
    private readonly metrics: Metrics,
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
    let attempt: AdmittedAttempt;
    try {
      attempt = await this.throttle.admit(loginKey, client.address, device);
    } catch (refused) {
      this.metrics.signInFailed('throttled');
      throw refused;
    }

    const account = school
      ? await this.schoolAccount(school, name)
      : await this.platformAdmin(name);
    const passwordOk = await this.passwords.verifyOrWaste(
      account?.passwordHash,
      password,
      account ? `user ${account.userId}` : undefined,
    );
    if (!account || !passwordOk || !account.isActive) {
      await attempt.failed();
      this.metrics.signInFailed('invalid_credentials');
      // On nothing for an unknown name: the statement runs either way.
      await this.users.recordFailedSignIn(account?.userId ?? null);
      if (school) await this.profiles.recordSignIn(school, account && refusal(account, passwordOk));
      throw invalidCredentials();
    }
    await attempt.succeeded();
    await this.users.recordSignIn(account.userId);
    if (school) await this.profiles.recordSignIn(school, accountEvent(account, 'signed_in'));
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
    const user = (await this.users.findOwnAccount(principal.userId))!;
    const school = this.tenant.hasSchool ? this.tenant.school : null;
    const [profile, access] = school
      ? await Promise.all([
          this.profiles.findByUser(school, principal.userId),
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
      profile: profile ? ownProfileView(profile) : null,
      roles: access?.roles ?? [],
      permissions: access?.permissions ?? [],
    };
  }

  async changePassword(
    principal: Principal,
    currentPassword: string,
    newPassword: string,
  ): Promise<string> {
    const user = (await this.users.findCredentials(principal.userId))!;
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
    const profile = school ? await this.profiles.findByUser(school, principal.userId) : null;
    const problems = passwordProblems(newPassword, [
      profile?.local_username,
      user.global_username,
      user.email,
    ]);
    if (newPassword === currentPassword)
      problems.push('newPassword must differ from the current password');
    if (problems.length) throw validationFailed([{ field: 'newPassword', problems }]);

    const hash = await this.passwords.hash(newPassword);
    await this.users.setPassword(principal.userId, hash);
    await this.sessions.revokeOthers(principal.userId, principal.sessionId, 'password_changed');
    return this.tokens.signAccess({ ...principal, mustChangePassword: false });
  }

  private async schoolAccount(school: School, localUsername: string): Promise<Account | null> {
    const profile = await this.profiles.findByLocalUsername(school, localUsername);
    // Read even without a profile (matching nothing): see signIn.
    const user = await this.users.findSchoolMember(profile?.user_id ?? null, school.id);
    if (!profile || !user) return null;
    return {
      userId: user.id,
      profileId: profile.id,
      passwordHash: user.password_hash,
      isActive: user.is_active,
      mustChangePassword: user.must_change_password,
      username: localUsername,
      displayName: displayNameOf(profile),
    };
  }

  /**
   * At the platform address an account signs in by its verified email: a platform admin, or
   * an owner who creates another school from their account. An unverified claim never signs
   * in here (anyone can type any address). What a non-admin may do at the platform is decided
   * per route (its `@Route` access; see platform-admin.ts).
   */
  private async platformAdmin(email: string): Promise<Account | null> {
    const user = await this.users.findByVerifiedEmail(email);
    if (!user) return null;
    return {
      userId: user.id,
      profileId: null,
      passwordHash: user.password_hash,
      isActive: user.is_active,
      mustChangePassword: user.must_change_password,
      username: user.email,
      displayName: user.email,
    };
  }
}

/** The account acts for itself here: no token exists yet, so the request names no actor. */
function accountEvent(
  account: Account,
  action: 'signed_in' | 'sign_in_failed',
  details?: Record<string, unknown>,
): SchoolAuditEvent {
  return {
    action,
    entityType: 'account',
    entityId: account.userId,
    personId: account.profileId,
    actorAccountId: account.userId,
    details,
  };
}

/** Why a known name was refused; never what was typed. */
function refusal(account: Account, passwordOk: boolean): SchoolAuditEvent {
  return accountEvent(account, 'sign_in_failed', {
    reason: passwordOk ? 'account_inactive' : 'wrong_password',
  });
}
