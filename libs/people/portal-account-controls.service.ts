import { Injectable } from '@nestjs/common';
import { recordSchoolEvent, recordSchoolEvents } from '@schoolyard/audit';
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
  lastOwnerAccount,
  noPortalAccount,
  personNotFound,
} from './people.errors';
import {
  PortalAccountsRepository,
  type PortalKind,
  type PortalPersonRow,
} from './portal-accounts.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';
import { SoftLinksRepository } from './soft-links.repository';

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
    private readonly people: PortalAccountsRepository,
    private readonly schoolAccounts: SchoolAccountsRepository,
    private readonly softLinks: SoftLinksRepository,
  ) {}

  /** All or nothing, in the request's transaction; each person answered like activation does. */
  async deactivate(kind: PortalKind, profileIds: readonly string[]): Promise<DeactivationView> {
    const manager = this.tenant.manager;
    const found = new Map(
      (await this.people.peopleOfKind(manager, kind, profileIds, true)).map((person) => [
        person.id,
        person,
      ]),
    );
    const skipped: DeactivationSkipView[] = [];
    const closing: Array<PortalPersonRow & { user_id: string }> = [];
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
   * Ends these people's portal access here in the open transaction: for deactivation, a staff
   * member who left, a guardian removed. Their profiles let go of their accounts (and
   * usernames, so reactivation can give them back); pending invitations to link an account to
   * them are withdrawn. An account no other profile here uses loses its roles, its sessions at
   * this school and its membership, and is deactivated if this school made it and no other
   * school uses it (see end_school_access). An account that is still someone else here (the
   * same person as a guardian, say) keeps its membership and sessions and loses only this
   * kind's role.
   *
   * Refuses with LAST_OWNER, changing nothing, if that would leave the school no active Owner.
   */
  async close(
    manager: EntityManager,
    kind: PortalKind,
    people: ReadonlyArray<Pick<PortalPersonRow, 'id' | 'user_id'>>,
  ): Promise<void> {
    if (people.length === 0) return;
    const left = await this.release(manager, kind, people);
    const closed = people.flatMap((person) =>
      person.user_id
        ? [
            {
              action: 'deactivated',
              entityType: 'account',
              entityId: person.user_id,
              personId: person.id,
              details: { kind, leftSchool: left.includes(person.user_id) },
            },
          ]
        : [],
    );
    if (closed.length) await recordSchoolEvents(manager, closed);
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
      mayReset(await this.schoolAccounts.membershipOf(manager, holder.userId));
      return holder;
    });
    const password = temporaryPassword();
    const hash = await this.passwords.hash(password);
    return this.transactions.run(school, async (manager) => {
      const holder = await this.accountHolder(manager, kind, profileId, true);
      if (holder.userId !== before.userId) throw activatedMeanwhile();
      const sealed = this.cipher.encrypt(holder.userId, password);
      mayReset(
        await this.schoolAccounts.resetAccountPassword(manager, holder.userId, hash, sealed),
      );
      await recordSchoolEvent(manager, {
        action: 'password_reset',
        entityType: 'account',
        entityId: holder.userId,
        personId: profileId,
        details: { kind },
      });
      this.forgetSessionsAfterCommit([holder.userId]);
      return {
        profileId,
        userId: holder.userId,
        username: holder.username,
        temporaryPassword: password,
      };
    });
  }

  /** See close; answers the accounts that left the school. */
  private async release(
    manager: EntityManager,
    kind: PortalKind,
    people: ReadonlyArray<Pick<PortalPersonRow, 'id' | 'user_id'>>,
  ): Promise<string[]> {
    const profileIds = people.map((person) => person.id);
    const userIds = [
      ...new Set(people.flatMap((person) => (person.user_id ? [person.user_id] : []))),
    ];
    // A pending invitation to link an account would give the access back once accepted.
    await this.schoolAccounts.withdrawLinkInvitations(manager, profileIds);
    if (userIds.length === 0) return [];
    const leaving = await this.people.accountsLeaving(manager, userIds, profileIds);
    if (leaving.length) await this.keepAnOwner(manager, leaving);

    await this.people.unlinkProfiles(manager, profileIds);
    // An account that stays keeps its assignment rows, this kind's role made inactive (as a role
    // taken away is). One that leaves keeps none: a row here naming an account this school no
    // longer links would be missed by the cascade that follows the account's deletion.
    await this.people.deactivateKindRole(manager, kind, userIds, leaving);
    if (leaving.length) {
      await this.softLinks.deleteAssignments(manager, leaving);
      // Before the memberships go: end_school_access reads them to know what it may do.
      await this.schoolAccounts.endSchoolAccess(manager, leaving);
      await this.schoolAccounts.unlinkAccounts(manager, leaving);
    }
    return leaving;
  }

  /**
   * The Owner role's row is locked first, as RolesService.unassign does, so a concurrent removal
   * of an Owner waits; the count is a statement of its own so its snapshot sees what that
   * removal committed.
   */
  private async keepAnOwner(manager: EntityManager, leaving: readonly string[]): Promise<void> {
    await this.people.lockOwnerRole(manager);
    const owners = await this.people.countOwners(manager, leaving);
    if (owners.leaving > 0 && owners.staying === 0) throw lastOwnerAccount();
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
    const [person] = await this.people.peopleOfKind(manager, kind, [profileId], lock);
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
