import { Injectable } from '@nestjs/common';
import { validationFailed } from '@schoolyard/common';
import { isUniqueViolation } from '@schoolyard/database';
import { allocateLocalUsernames, Passwords, PrincipalContext } from '@schoolyard/identity';
import { SchoolAccess, type SystemRoleKey } from '@schoolyard/rbac';
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
import { accountsOfPeople } from './people-rows';
import { createAccounts, inviteToLink } from './school-accounts';

/** The kinds of people an office activates, with the table of their record and their role. */
export const PORTAL_KINDS = {
  student: { table: 'students', role: 'student' },
  staff: { table: 'staff', role: 'instructor' },
  guardian: { table: 'guardians', role: 'guardian' },
} as const satisfies Record<string, { table: string; role: SystemRoleKey }>;

export type PortalKind = keyof typeof PORTAL_KINDS;

interface Candidate {
  id: string;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  email: string | null;
  user_id: string | null;
}

interface Prepared {
  candidate: Candidate;
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
  ) {}

  async activate(kind: PortalKind, profileIds: readonly string[]): Promise<ActivationView> {
    const school = this.tenant.school;
    const first = await this.transactions.run(school, async (manager) => {
      const candidates = await this.candidates(manager, kind, profileIds, false);
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
    const manager = this.tenant.manager;
    const people: Array<Candidate & { local_username: string }> = await manager.query(
      `SELECT p.id, p.first_name, p.middle_name, p.last_name, p.email, p.user_id, p.local_username
         FROM profiles p JOIN ${PORTAL_KINDS[kind].table} k ON k.profile_id = p.id
        WHERE p.user_id IS NOT NULL
        ORDER BY p.last_name, p.first_name, p.id`,
    );
    const accounts = await accountsOfPeople(manager, people);
    const slips: CredentialSlipView[] = [];
    for (const person of people) {
      const account = accounts.get(person.user_id as string);
      if (!account?.temporaryPassword) continue;
      const password = this.cipher.decrypt(account.id, account.temporaryPassword);
      if (password === undefined) continue; // sealed under another key: nothing to print
      slips.push({
        profileId: person.id,
        displayName: `${person.first_name} ${person.last_name}`,
        username: person.local_username,
        temporaryPassword: password,
      });
    }
    return slips;
  }

  private async write(
    manager: EntityManager,
    kind: PortalKind,
    profileIds: readonly string[],
    prepared: Map<string, Prepared>,
  ): Promise<ActivationView> {
    const found = await this.candidates(manager, kind, profileIds, true);
    const byId = new Map(found.map((candidate) => [candidate.id, candidate]));
    const skipped: SkippedPersonView[] = [];
    const toActivate: Candidate[] = [];
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
    const userIds = await createAccounts(
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

    await manager.query(
      `UPDATE profiles p SET user_id = a.user_id, local_username = a.username, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS a (profile_id, user_id, username)
        WHERE p.id = a.profile_id`,
      [toActivate.map((person) => person.id), userIds, usernames],
    );
    await manager.query(
      `INSERT INTO user_roles (user_id, role_id, granted_by)
       SELECT u, r.id, $3 FROM unnest($1::uuid[]) AS u, roles r WHERE r.system_key = $2
       ON CONFLICT (user_id, role_id) DO UPDATE
         SET is_active = true, granted_by = EXCLUDED.granted_by, granted_at = now()
         WHERE NOT user_roles.is_active`,
      [userIds, PORTAL_KINDS[kind].role, this.principal.principal.userId],
    );
    // A verified holder of the same email may link their own account instead, by consent.
    await inviteToLink(
      manager,
      toActivate.flatMap((person) =>
        person.email ? [{ profileId: person.id, email: person.email }] : [],
      ),
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

  private candidates(
    manager: EntityManager,
    kind: PortalKind,
    profileIds: readonly string[],
    lock: boolean,
  ): Promise<Candidate[]> {
    return manager.query(
      `SELECT p.id, p.first_name, p.middle_name, p.last_name, p.email, p.user_id
         FROM profiles p JOIN ${PORTAL_KINDS[kind].table} k ON k.profile_id = p.id
        WHERE p.id = ANY($1::uuid[])
        ${lock ? 'FOR UPDATE OF p' : ''}`,
      [[...profileIds]],
    );
  }
}

/** One email, one account: two people of a batch cannot share one. */
function refuseSharedEmails(people: readonly Candidate[]): void {
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
