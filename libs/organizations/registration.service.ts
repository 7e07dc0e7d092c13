import { HttpStatus, Injectable, Optional } from '@nestjs/common';
import { recordPlatformEvent } from '@schoolyard/audit';
import { Subscriptions } from '@schoolyard/billing';
import { AppError, requestStore, type SchoolyardStore, validationFailed } from '@schoolyard/common';
import {
  globalUsernameFor,
  localUsernameBase,
  AccountTokensRepository,
  passwordProblems,
  Passwords,
} from '@schoolyard/identity';
import { SchoolProvisioning, subdomainRefused, subdomainTaken } from '@schoolyard/fleet';
import { checkSubdomain, type School } from '@schoolyard/tenancy';
import { ClsService } from 'nestjs-cls';
import { type EntityManager } from 'typeorm';
import { type DomainAvailabilityView, type RegistrationView } from './dto/organization-views.dto';
import {
  type CreateSchoolDto,
  type RegisterSchoolDto,
  type SchoolOwnerNamesDto,
} from './dto/register-school.dto';
import { RegistrationRepository } from './registration.repository';

/** The same answer whatever password came with it: registration never checks one. */
export const emailTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EMAIL_TAKEN',
    'An account has verified this email: sign in with it at the platform address and create the school from there',
    {
      field: 'owner.email',
      signIn: 'POST /api/auth/login',
      createSchool: 'POST /api/organizations',
    },
  );

export const emailNotVerified = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'EMAIL_NOT_VERIFIED',
    'Verify your email before creating another school (POST /api/auth/resend-verification sends the message again)',
  );

/** Who will own the new school: an account that exists, or one to create with this hash. */
type SchoolOwner =
  | { kind: 'existing'; userId: string; email: string }
  | { kind: 'new'; email: string; passwordHash: Promise<string> };

/**
 * A new school with its owner. Registration makes a NEW account every time and never checks the
 * password of an existing one: it would otherwise answer, for any email, whether a password is
 * right, past every sign-in throttle. A person who has an account creates further schools from
 * it, signed in (createForAccount). Emails are unique among verified accounts only, so an
 * address typed by someone else never blocks its holder from registering.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly provisioning: SchoolProvisioning,
    private readonly passwords: Passwords,
    private readonly subscriptions: Subscriptions,
    private readonly repository: RegistrationRepository,
    private readonly accountTokens: AccountTokensRepository,
    @Optional() private readonly cls?: ClsService<SchoolyardStore>,
  ) {}

  async checkDomain(subdomain: string): Promise<DomainAvailabilityView> {
    const check = checkSubdomain(subdomain);
    if (!check.ok) return { subdomain, available: false, reason: check.problem };
    if (await this.provisioning.isSubdomainTaken(subdomain)) {
      return { subdomain, available: false, reason: 'TAKEN' };
    }
    return { subdomain, available: true };
  }

  /**
   * A school and a new, unverified owner account; a verification message goes with it.
   * `actor` names a maintainer who registered it for someone (the CLI); otherwise the new
   * owner's account is the actor in the platform audit trail.
   */
  async register(request: RegisterSchoolDto, actor?: string): Promise<RegistrationView> {
    this.refuseBadSubdomain(request.subdomain);
    const username = this.ownerUsername(request.owner);
    const { email, password } = request.owner;
    const problems = passwordProblems(
      password,
      [email, email.split('@')[0], username, request.owner.firstName, request.owner.lastName],
      'owner.password',
    );
    if (problems.length) throw validationFailed([{ field: 'owner.password', problems }]);
    await this.refuseTakenSubdomain(request.subdomain);
    if (await this.repository.isEmailVerified(email)) throw emailTaken();
    // Hashing is slow on purpose (argon2 on libuv's thread pool, another core): it runs while
    // PostgreSQL builds the school's tables, and the seeder waits for it only after them. When
    // provisioning fails before that, nothing awaits the hash: the catch keeps its own failure
    // from being an unhandled rejection.
    const passwordHash = this.passwords.hash(password);
    passwordHash.catch(() => undefined);
    return this.create(request, { kind: 'new', email, passwordHash }, username, actor);
  }

  /** A further school owned by the signed-in account, which must have proved its email. */
  async createForAccount(userId: string, request: CreateSchoolDto): Promise<RegistrationView> {
    this.refuseBadSubdomain(request.subdomain);
    const account = await this.repository.findActiveAccount(userId);
    if (!account?.verified || account.email === null) throw emailNotVerified();
    await this.refuseTakenSubdomain(request.subdomain);
    return this.create(
      request,
      { kind: 'existing', userId, email: account.email },
      this.ownerUsername(request.owner),
    );
  }

  private refuseBadSubdomain(subdomain: string): void {
    const check = checkSubdomain(subdomain);
    if (!check.ok) throw subdomainRefused(check.message ?? 'is not allowed');
  }

  /** Asked before the email, so the answer about a taken subdomain never depends on it. */
  private async refuseTakenSubdomain(subdomain: string): Promise<void> {
    if (await this.provisioning.isSubdomainTaken(subdomain)) throw subdomainTaken(subdomain);
  }

  private ownerUsername(owner: SchoolOwnerNamesDto): string {
    return localUsernameBase(owner.firstName, owner.middleName, owner.lastName);
  }

  private async create(
    request: RegisterSchoolDto | CreateSchoolDto,
    owner: SchoolOwner,
    username: string,
    actor?: string,
  ): Promise<RegistrationView> {
    // A subdomain taken by a concurrent registration is still caught by the provisioning.
    const made = await this.provisioning.provision(
      { subdomain: request.subdomain, name: request.name },
      (manager, school) => this.seedSchool(manager, school, request, owner, username, actor),
    );
    return {
      organization: {
        id: made.school.id,
        slug: made.school.slug,
        name: made.school.name,
        status: made.school.status,
        host: made.host,
        createdAt: made.createdAt,
      },
      owner: {
        userId: made.seeded,
        username,
        email: owner.email,
        emailVerified: owner.kind === 'existing',
      },
    };
  }

  /** Runs inside the provisioning transaction, with the new school's schema on the search_path. */
  private async seedSchool(
    manager: EntityManager,
    school: School,
    request: RegisterSchoolDto | CreateSchoolDto,
    owner: SchoolOwner,
    username: string,
    actor: string | undefined,
  ): Promise<string> {
    const userId =
      owner.kind === 'existing' ? owner.userId : await this.createUser(manager, owner, username);
    await this.repository.insertOwnerProfile(manager, {
      firstName: request.owner.firstName,
      middleName: request.owner.middleName || null,
      lastName: request.owner.lastName,
      email: owner.email,
      localUsername: username,
      userId,
    });
    await this.repository.insertSettings(manager, request.name);
    await this.repository.grantOwnerRole(manager, userId);
    await this.repository.insertMembership(manager, userId, school.id);
    await this.subscriptions.startTrial(manager, school.id);
    await recordPlatformEvent(manager, {
      actor: actor ?? `account:${userId}`,
      action: 'school.registered',
      organizationId: school.id,
      schoolSlug: school.slug,
      requestId: this.cls ? requestStore(this.cls)?.requestId : undefined,
      details: { name: school.name, ownerAccountId: userId, ownerAccount: owner.kind },
    });
    // In this transaction: a registration that rolls back mails nothing.
    if (owner.kind === 'new') {
      await this.accountTokens.mailVerification(manager, {
        userId,
        email: owner.email,
        organizationId: school.id,
      });
    }
    return userId;
  }

  private async createUser(
    manager: EntityManager,
    owner: Extract<SchoolOwner, { kind: 'new' }>,
    username: string,
  ): Promise<string> {
    const passwordHash = await owner.passwordHash;
    // A clash of six random hex digits is rare; ON CONFLICT keeps the transaction alive to retry.
    for (;;) {
      const id = await this.repository.insertUser(manager, {
        globalUsername: globalUsernameFor(username),
        email: owner.email,
        passwordHash,
      });
      if (id) return id;
    }
  }
}
