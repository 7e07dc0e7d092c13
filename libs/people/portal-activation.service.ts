import { Injectable } from '@nestjs/common';
import { recordSchoolEvents } from '@schoolyard/audit';
import { validationFailed } from '@schoolyard/common';
import { isUniqueViolation } from '@schoolyard/database';
import { allocateLocalUsernames, Passwords, PrincipalContext } from '@schoolyard/identity';
import { SchoolAccess } from '@schoolyard/rbac';
import { TenantContext, TenantTransactions } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { CredentialCipher, temporaryPassword } from './credential-cipher';
import {
  type ActivatedPersonView,
  type ActivationView,
  type CredentialSlipView,
  type SkippedPersonView,
} from './dto/person.dto';
import { activatedMeanwhile } from './people.errors';
import {
  PortalAccountsRepository,
  type PortalKind,
  type PortalPersonRow,
} from './portal-accounts.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';

export { PORTAL_KINDS, type PortalKind } from './portal-accounts.repository';

interface Prepared {
  candidate: PortalPersonRow;
  password: string;
  hash: string;
}

/**
 * Turns people of this school into portal users. Hashing a temporary password is slow on
 * purpose, so it happens between two short transactions, holding no connection: the first
 * reads who needs an account, the second re-reads them locked and writes everything (global
 * accounts, links, usernames, roles) or nothing. Someone activated in between is skipped.
 */
@Injectable()
export class PortalActivation {
  constructor(
    private readonly tenant: TenantContext,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly cipher: CredentialCipher,
    private readonly principal: PrincipalContext,
    private readonly access: SchoolAccess,
    private readonly people: PortalAccountsRepository,
    private readonly schoolAccounts: SchoolAccountsRepository,
  ) {}

  async activate(kind: PortalKind, profileIds: readonly string[]): Promise<ActivationView> {
    const school = this.tenant.school;
    const first = await this.transactions.run(school, async (manager) => {
      const candidates = await this.people.peopleOfKind(manager, kind, profileIds, false);
      refuseSharedEmails(candidates);
      return candidates;
    });
    // Only people without an account need a password; hash them with no connection held.
    const prepared = new Map<string, Prepared>();
    for (const candidate of first) {
      if (candidate.user_id) continue;
      const password = temporaryPassword();
      prepared.set(candidate.id, {
        candidate,
        password,
        hash: await this.passwords.hash(password),
      });
    }

    // Two offices activating people of the same name at once can pick the same username; the
    // unique index stops the second, which then tries again with the names taken meanwhile.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactions.run(school, (manager) =>
          this.write(manager, kind, profileIds, prepared),
        );
      } catch (error) {
        if (isUniqueViolation(error, 'profiles_local_username_key') && attempt < 5) continue;
        throw error;
      }
    }
  }

  /** Activated people of this kind who have not changed their temporary password yet. */
  async credentialSlips(kind: PortalKind): Promise<CredentialSlipView[]> {
    const people = await this.people.activatedOfKind(kind);
    const accounts = await this.schoolAccounts.linkedAccounts(
      this.tenant.manager,
      people.map((person) => person.user_id),
    );
    const slips: CredentialSlipView[] = [];
    const shown: Array<{ profileId: string; userId: string }> = [];
    for (const person of people) {
      const account = accounts.get(person.user_id);
      if (!account?.temporaryPassword) continue;
      const password = this.cipher.decrypt(account.id, account.temporaryPassword);
      if (password === undefined) continue; // sealed under another key: nothing to print
      slips.push({
        profileId: person.id,
        displayName: `${person.first_name} ${person.last_name}`,
        username: person.local_username,
        temporaryPassword: password,
      });
      shown.push({ profileId: person.id, userId: account.id });
    }
    // Whoever saw a temporary password could sign in as its holder until it is changed: each
    // holder's history says who looked, and when.
    if (shown.length) {
      await recordSchoolEvents(
        this.tenant.manager,
        shown.map(({ profileId, userId }) => ({
          action: 'credential_slip_viewed',
          entityType: 'account',
          entityId: userId,
          personId: profileId,
          details: { kind },
        })),
      );
    }
    return slips;
  }

  private async write(
    manager: EntityManager,
    kind: PortalKind,
    profileIds: readonly string[],
    prepared: Map<string, Prepared>,
  ): Promise<ActivationView> {
    const found = await this.people.peopleOfKind(manager, kind, profileIds, true);
    const byId = new Map(found.map((candidate) => [candidate.id, candidate]));
    const skipped: SkippedPersonView[] = [];
    const toActivate: PortalPersonRow[] = [];
    for (const id of profileIds) {
      const candidate = byId.get(id);
      if (!candidate) skipped.push({ profileId: id, reason: 'NOT_FOUND' });
      else if (candidate.user_id) skipped.push({ profileId: id, reason: 'ALREADY_ACTIVE' });
      else toActivate.push(candidate);
    }
    if (toActivate.length === 0) return { activated: [], skipped };

    const usernames = await allocateLocalUsernames(
      manager,
      toActivate.map((person) => ({
        firstName: person.first_name,
        middleName: person.middle_name,
        lastName: person.last_name,
      })),
    );
    // Everyone gets an account of this school's making, whatever their email: an existing
    // account is never attached without its holder's consent (see invite below).
    const unprepared = toActivate.find((person) => !prepared.has(person.id));
    if (unprepared) throw activatedMeanwhile();
    const userIds = await this.schoolAccounts.createAccounts(
      manager,
      toActivate.map((person, index) => {
        const { password, hash } = prepared.get(person.id)!;
        return {
          localUsername: usernames[index],
          email: person.email,
          passwordHash: hash,
          sealTemporaryPassword: (userId: string) => this.cipher.encrypt(userId, password),
        };
      }),
    );

    await this.people.linkProfiles(
      manager,
      toActivate.map((person) => person.id),
      userIds,
      usernames,
    );
    await this.people.grantKindRole(manager, kind, userIds, this.principal.principal.userId);
    // A verified holder of the same email may link their own account instead, by consent.
    await this.schoolAccounts.inviteToLink(
      manager,
      toActivate.flatMap((person) =>
        person.email ? [{ profileId: person.id, email: person.email }] : [],
      ),
    );
    await recordSchoolEvents(
      manager,
      toActivate.map((person, index) => ({
        action: 'activated',
        entityType: 'account',
        entityId: userIds[index],
        personId: person.id,
        details: { kind, username: usernames[index] },
      })),
    );
    this.access.changedInTransaction();

    const activated: ActivatedPersonView[] = toActivate.map((person, index) => ({
      profileId: person.id,
      userId: userIds[index],
      username: usernames[index],
      temporaryPassword: prepared.get(person.id)!.password,
    }));
    return { activated, skipped };
  }
}

/** One email, one account: two people of a batch cannot share one. */
function refuseSharedEmails(people: readonly PortalPersonRow[]): void {
  const byEmail = new Map<string, string[]>();
  for (const person of people) {
    if (!person.email || person.user_id) continue;
    const key = person.email.toLowerCase();
    byEmail.set(key, [...(byEmail.get(key) ?? []), person.id]);
  }
  const shared = [...byEmail.values()].filter((ids) => ids.length > 1);
  if (shared.length) {
    throw validationFailed(
      shared.map((ids) => ({
        field: 'ids',
        problems: [`${ids.join(', ')} share one email; an account has one owner`],
      })),
    );
  }
}
