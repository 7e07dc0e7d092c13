import { Injectable } from '@nestjs/common';
import { AuthSessions, Passwords } from '@schoolyard/identity';
import { SchoolAccess } from '@schoolyard/rbac';
import { TenantContext, TenantTransactions } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { CredentialCipher, temporaryPassword } from './credential-cipher';
import {
  type DeactivatedPersonView,
  type DeactivationSkipView,
  type DeactivationView,
  type PasswordResetView,
} from './dto/person.dto';
import {
  accountHeldByHolder,
  activatedMeanwhile,
  noPortalAccount,
  personNotFound,
} from './people.errors';
import { type PortalKind } from './portal-activation.service';
import {
  membershipOf,
  peopleOfKind,
  type PersonAccountRow,
  releaseAccounts,
  resetAccountPassword,
} from './portal-accounts.repository';

const NOT_FOUND_AS = {
  student: 'student',
  staff: 'staff member',
  guardian: 'guardian',
} as const satisfies Record<PortalKind, Parameters<typeof personNotFound>[0]>;

/**
 * The school's own controls over the portal accounts of its people, after activation: closing
 * a person's access (their record stays; activation can give them a new account later) and
 * giving an account the school made a new temporary password.
 */
@Injectable()
export class PortalAccountControls {
  constructor(
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly cipher: CredentialCipher,
    private readonly access: SchoolAccess,
    private readonly sessions: AuthSessions,
  ) {}

  /** All or nothing, in the request's transaction; each person answered like activation does. */
  async deactivate(kind: PortalKind, profileIds: readonly string[]): Promise<DeactivationView> {
    const manager = this.tenant.manager;
    const found = new Map(
      (await peopleOfKind(manager, kind, profileIds, true)).map((person) => [person.id, person]),
    );
    const skipped: DeactivationSkipView[] = [];
    const closing: Array<PersonAccountRow & { user_id: string }> = [];
    for (const id of profileIds) {
      const person = found.get(id);
      if (!person) skipped.push({ profileId: id, reason: 'NOT_FOUND' });
      else if (!person.user_id) skipped.push({ profileId: id, reason: 'NOT_ACTIVE' });
      else closing.push({ ...person, user_id: person.user_id });
    }
    await this.close(manager, kind, closing);
    const deactivated: DeactivatedPersonView[] = closing.map((person) => ({
      profileId: person.id,
      userId: person.user_id,
    }));
    return { deactivated, skipped };
  }

  /**
   * Ends these people's portal access here in the open transaction (see releaseAccounts): for
   * deactivation, a staff member who left, a guardian removed.
   */
  async close(
    manager: EntityManager,
    kind: PortalKind,
    people: ReadonlyArray<Pick<PersonAccountRow, 'id' | 'user_id'>>,
  ): Promise<void> {
    if (people.length === 0) return;
    const left = await releaseAccounts(manager, kind, people);
    if (people.some((person) => person.user_id)) this.access.changedInTransaction();
    this.forgetSessionsAfterCommit(left);
  }

  /**
   * Like activation, the slow hash happens between two short transactions: the first refuses
   * early what cannot be reset, the second re-reads the person locked and writes.
   */
  async resetPassword(kind: PortalKind, profileId: string): Promise<PasswordResetView> {
    const school = this.tenant.school;
    const before = await this.transactions.run(school, async (manager) => {
      const holder = await this.accountHolder(manager, kind, profileId, false);
      mayReset(await membershipOf(manager, holder.userId));
      return holder;
    });
    const password = temporaryPassword();
    const hash = await this.passwords.hash(password);
    return this.transactions.run(school, async (manager) => {
      const holder = await this.accountHolder(manager, kind, profileId, true);
      if (holder.userId !== before.userId) throw activatedMeanwhile();
      const sealed = this.cipher.encrypt(holder.userId, password);
      mayReset(await resetAccountPassword(manager, holder.userId, hash, sealed));
      this.forgetSessionsAfterCommit([holder.userId]);
      return {
        profileId,
        userId: holder.userId,
        username: holder.username,
        temporaryPassword: password,
      };
    });
  }

  /** The SQL ended their sessions; this instance stops trusting its cache of them at commit. */
  private forgetSessionsAfterCommit(userIds: readonly string[]): void {
    if (userIds.length === 0) return;
    this.tenant.afterCommit(() => {
      for (const userId of userIds) this.sessions.forgetUser(userId);
    });
  }

  private async accountHolder(
    manager: EntityManager,
    kind: PortalKind,
    profileId: string,
    lock: boolean,
  ): Promise<{ userId: string; username: string }> {
    const [person] = await peopleOfKind(manager, kind, [profileId], lock);
    if (!person) throw personNotFound(NOT_FOUND_AS[kind]);
    if (!person.user_id || !person.local_username) throw noPortalAccount();
    return { userId: person.user_id, username: person.local_username };
  }
}

/** Only an account this school created is the school's to reset. */
function mayReset(via: string | null): void {
  if (via === 'created') return;
  if (via === 'consented' || via === 'registered') throw accountHeldByHolder(via);
  throw noPortalAccount();
}
