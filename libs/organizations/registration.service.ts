import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Subscriptions } from '@schoolyard/billing';
import { AppError } from '@schoolyard/common';
import { isUniqueViolation, OWNER_DATA_SOURCE } from '@schoolyard/database';
import { globalUsernameFor, localUsernameBase, Passwords } from '@schoolyard/identity';
import {
  checkSubdomain,
  type School,
  SchoolProvisioning,
  subdomainRefused,
} from '@schoolyard/tenancy';
import { DataSource, type EntityManager } from 'typeorm';
import { type DomainAvailabilityView, type RegistrationView } from './dto/organization-views.dto';
import { type RegisterSchoolDto, type SchoolOwnerDto } from './dto/register-school.dto';

const emailTaken = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'EMAIL_TAKEN',
    'An account with this email exists: register with that account’s password to link it',
    { field: 'owner.email' },
  );

interface OwnerAccount {
  existingUserId?: string;
  passwordHash?: string;
}

@Injectable()
export class RegistrationService {
  constructor(
    private readonly provisioning: SchoolProvisioning,
    private readonly passwords: Passwords,
    private readonly subscriptions: Subscriptions,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
  ) {}

  async checkDomain(subdomain: string): Promise<DomainAvailabilityView> {
    const check = checkSubdomain(subdomain);
    if (!check.ok) return { subdomain, available: false, reason: check.problem };
    if (await this.provisioning.isSubdomainTaken(subdomain)) {
      return { subdomain, available: false, reason: 'TAKEN' };
    }
    return { subdomain, available: true };
  }

  async register(request: RegisterSchoolDto): Promise<RegistrationView> {
    const check = checkSubdomain(request.subdomain);
    if (!check.ok) throw subdomainRefused(check.message ?? 'is not allowed');
    // Hashing is slow on purpose: do it before the transaction so no connection waits on it.
    const account = await this.ownerAccount(request.owner);
    const username = localUsernameBase(
      request.owner.firstName,
      request.owner.middleName,
      request.owner.lastName,
    );
    try {
      const made = await this.provisioning.provision(
        { subdomain: request.subdomain, name: request.name },
        (manager, school) => this.seedSchool(manager, school, request, account, username),
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
        owner: { userId: made.seeded, username, email: request.owner.email },
      };
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw emailTaken();
      throw error;
    }
  }

  /**
   * An email that already has an account may own another school, but only when the caller
   * proves it is theirs with that account's password.
   */
  private async ownerAccount(owner: SchoolOwnerDto): Promise<OwnerAccount> {
    const found: Array<{ id: string; password_hash: string }> = await this.owner.query(
      'SELECT id, password_hash FROM public.users WHERE lower(email) = lower($1)',
      [owner.email],
    );
    if (found.length === 0) return { passwordHash: await this.passwords.hash(owner.password) };
    if (!(await this.passwords.verify(found[0].password_hash, owner.password))) throw emailTaken();
    return { existingUserId: found[0].id };
  }

  /** Runs inside the provisioning transaction, with the new school's schema on the search_path. */
  private async seedSchool(
    manager: EntityManager,
    school: School,
    request: RegisterSchoolDto,
    account: OwnerAccount,
    username: string,
  ): Promise<string> {
    const userId =
      account.existingUserId ?? (await this.createUser(manager, request.owner, username, account));
    await manager.query(
      `INSERT INTO profiles (kind, first_name, middle_name, last_name, email, local_username, user_id)
       VALUES ('owner', $1, $2, $3, $4, $5, $6)`,
      [
        request.owner.firstName,
        request.owner.middleName || null,
        request.owner.lastName,
        request.owner.email,
        username,
        userId,
      ],
    );
    await manager.query(`INSERT INTO school_settings (id, display_name) VALUES (1, $1)`, [
      request.name,
    ]);
    // The Owner role was seeded by the permission catalog sync, in this same transaction.
    await manager.query(
      `INSERT INTO user_roles (user_id, role_id) SELECT $1, id FROM roles WHERE system_key = 'owner'`,
      [userId],
    );
    await manager.query(
      `INSERT INTO public.school_memberships (user_id, organization_id) VALUES ($1, $2)`,
      [userId, school.id],
    );
    await this.subscriptions.startTrial(manager, school.id);
    return userId;
  }

  private async createUser(
    manager: EntityManager,
    owner: SchoolOwnerDto,
    username: string,
    account: OwnerAccount,
  ): Promise<string> {
    // A clash of six random hex digits is rare; ON CONFLICT keeps the transaction alive to retry.
    for (;;) {
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO public.users (global_username, email, password_hash)
         VALUES ($1, $2, $3) ON CONFLICT (global_username) DO NOTHING RETURNING id`,
        [globalUsernameFor(username), owner.email, account.passwordHash],
      );
      if (rows.length) return rows[0].id;
    }
  }
}
