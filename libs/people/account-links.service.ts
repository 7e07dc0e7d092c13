import { HttpStatus, Injectable } from '@nestjs/common';
import { AppError } from '@schoolyard/common';
import {
  authenticationRequired,
  invalidCredentials,
  Passwords,
  PrincipalContext,
} from '@schoolyard/identity';
import { SchoolAccess } from '@schoolyard/rbac';
import { SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { AccountLinksRepository } from './account-links.repository';
import { type AcceptedLinkView } from './dto/account-links.dto';
import { SchoolAccountsRepository } from './school-accounts.repository';
import { SoftLinksRepository } from './soft-links.repository';

export const linkTokenInvalid = () =>
  new AppError(
    HttpStatus.BAD_REQUEST,
    'LINK_TOKEN_INVALID',
    'This link invitation is not valid: it was used, has expired, or never existed',
    { field: 'token' },
  );
export const linkForAnotherAccount = () =>
  new AppError(
    HttpStatus.FORBIDDEN,
    'LINK_FOR_ANOTHER_ACCOUNT',
    'This invitation was sent to another account: sign in as that account, or send its password',
  );
export const personNoLongerActive = () =>
  new AppError(
    HttpStatus.CONFLICT,
    'PERSON_NOT_ACTIVE',
    'The school has turned this person’s portal access off since it sent the invitation',
  );

/**
 * A holder accepts a school's invitation to link their own account to the person the school
 * activated: the only way an existing account becomes a member of another school (invariant 7).
 * The holder proves the account is theirs by being signed in as it or by its password, and
 * the token proves the mail reached them.
 */
@Injectable()
export class AccountLinks {
  constructor(
    private readonly links: AccountLinksRepository,
    private readonly schoolAccounts: SchoolAccountsRepository,
    private readonly softLinks: SoftLinksRepository,
    private readonly directory: SchoolDirectory,
    private readonly transactions: TenantTransactions,
    private readonly passwords: Passwords,
    private readonly principal: PrincipalContext,
    private readonly access: SchoolAccess,
  ) {}

  async accept(token: string, password: string | undefined): Promise<AcceptedLinkView> {
    const invitation = await this.links.pendingInvitation(token);
    // The token is a mailed secret: saying it is not good gives nothing away, and refusing
    // before any hashing keeps argon2 out of reach of anyone without one.
    if (!invitation) throw linkTokenInvalid();
    if (password !== undefined) {
      const hash = await this.links.passwordHashOf(invitation.userId);
      if (!(await this.passwords.verifyOrWaste(hash, password))) throw invalidCredentials();
    } else {
      const caller = this.principal.signedIn;
      if (!caller) throw authenticationRequired();
      if (caller.userId !== invitation.userId) throw linkForAnotherAccount();
    }

    const school = await this.directory.findByHost(invitation.schoolHost);
    // A school turned off meanwhile takes no new members until it is resumed.
    if (!school || school.status !== 'active') throw linkTokenInvalid();
    return this.transactions.run(school, async (manager) => {
      const accepted = await this.schoolAccounts.acceptLink(manager, token);
      if (!accepted || accepted.userId !== invitation.userId) throw linkTokenInvalid();
      // Throwing rolls the token's use back too: the holder may try again once it is sorted.
      const person = await this.relinkPerson(manager, accepted.profileId, accepted.userId);
      if (!person) throw personNoLongerActive();
      await this.schoolAccounts.retireAccount(manager, person.replacedUserId);
      this.access.changedInTransaction();
      return {
        school: { slug: school.slug, name: school.name, host: invitation.schoolHost },
        username: person.localUsername,
      };
    });
  }

  /**
   * Points the person at the holder's account and hands it the roles the school's own account
   * had. Null when the person is gone or no longer active here: the school has since turned
   * their access off, and a link must not turn it back on.
   */
  private async relinkPerson(
    manager: EntityManager,
    profileId: string,
    holderId: string,
  ): Promise<{ localUsername: string; replacedUserId: string } | null> {
    const person = await this.links.lockProfile(manager, profileId);
    if (!person?.userId || !person.localUsername) return null;
    const replacedUserId = person.userId;
    await this.links.pointProfileAt(manager, profileId, holderId);
    await this.links.copyAssignments(manager, replacedUserId, holderId);
    await this.softLinks.deleteAssignments(manager, [replacedUserId]);
    return { localUsername: person.localUsername, replacedUserId };
  }
}
