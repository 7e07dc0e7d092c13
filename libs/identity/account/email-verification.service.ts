import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { isUniqueViolation } from '@schoolyard/database';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { AccountTokensRepository } from '../account-tokens.repository';
import { type Principal } from '../auth/principal';
import { Throttle } from '../login-throttle';
import { Passwords } from '../passwords.service';
import { UsersRepository } from '../users.repository';
import { AccountEmailsRepository } from './account-emails.repository';
import {
  emailAlreadyVerified,
  noEmailToVerify,
  tooManyPasswordFailures,
  verificationMailTooSoon,
  verificationTokenExpired,
  verificationTokenInvalid,
  verificationTokenUsed,
  verifiedElsewhere,
  wrongPassword,
} from './account.errors';

/**
 * Verification messages of one account: one a minute to the same address, and a few an hour
 * in all, so a signed-in caller cannot turn the platform into a mail cannon.
 */
const SAME_ADDRESS_INTERVAL_SECONDS = 60;
const MESSAGES_PER_HOUR = 10;

export interface VerifiedEmail {
  email: string;
  verified: true;
}

export interface VerificationSent {
  /** Where the message went: the caller's own address, so nothing is revealed. */
  email: string;
}

/**
 * An email belongs to an account only once its holder has proved it by the mailed token.
 * Emails are unique among verified accounts only: anyone may type any address (at
 * registration, or as a new address), and such an unproved claim never blocks the holder —
 * it is released when the holder verifies. All of it runs as the API's login role on platform
 * tables; no school transaction is involved.
 */
@Injectable()
export class EmailVerification {
  /** Wrong passwords when changing the address, per account: a stolen session cannot guess freely. */
  private readonly passwordFailures = new Throttle({
    free: 5,
    capSeconds: 300,
    forgetAfterSeconds: 900,
  });

  constructor(
    private readonly requests: PlatformDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly passwords: Passwords,
    private readonly emails: AccountEmailsRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersRepository,
  ) {}

  /**
   * Spends the token and gives its account the address it was mailed to. Unverified claims of
   * that address by other accounts are released (their email becomes NULL) along with their
   * outstanding tokens for it. A token that cannot be spent leaves nothing changed.
   */
  async verify(token: string): Promise<VerifiedEmail> {
    try {
      return await this.requests.transaction(async (db) => {
        const used = await this.tokens.spend(db, 'verify_email', token);
        if (!used) throw await this.whyUnusable(db, token);
        if (await this.emails.isVerifiedByAnother(db, used.email, used.userId)) {
          throw verifiedElsewhere();
        }
        await this.emails.releaseUnverifiedClaims(db, used.email, used.userId);
        // The proved address becomes the account's, even if it asked for another since.
        await this.emails.setVerifiedEmail(db, used.userId, used.email);
        return { email: used.email, verified: true as const };
      });
    } catch (error) {
      // Another account verified the same address at the same moment.
      if (isUniqueViolation(error, 'users_verified_email_key')) throw verifiedElsewhere();
      throw error;
    }
  }

  /** Sends a new message to the address waiting to be proved: the account's own, or a new one. */
  async resend(principal: Principal): Promise<VerificationSent> {
    return this.requests.transaction(async (db) => {
      const account = await this.emails.lockAccountEmail(db, principal.userId);
      let target: string | null;
      if (account.email_verified_at === null) {
        target = account.email;
        if (target === null) throw noEmailToVerify();
      } else {
        target = await this.emails.pendingAddress(db, principal.userId, account.email);
        if (target === null) throw emailAlreadyVerified();
      }
      await this.refuseIfMailedRecently(db, principal.userId, target);
      await this.tokens.mailVerification(db, { userId: principal.userId, email: target });
      return { email: target };
    });
  }

  /**
   * Adds or changes the account's address. The current password is asked because whoever
   * holds a session should not be able to move the account to an inbox they hold. A verified
   * address stays the account's until the new one is proved; an unverified claim is simply
   * replaced, since it proved nothing.
   */
  async changeEmail(
    principal: Principal,
    email: string,
    password: string,
  ): Promise<VerificationSent> {
    const key = principal.userId;
    const wait = this.passwordFailures.waitSeconds(key);
    if (wait > 0) throw tooManyPasswordFailures(wait);
    const account = await this.users.findCredentials(principal.userId);
    // argon2 runs before the transaction so no connection waits on it.
    if (!account || !(await this.passwords.verify(account.password_hash, password))) {
      this.passwordFailures.fail(key);
      throw wrongPassword();
    }
    this.passwordFailures.succeed(key);
    return this.requests.transaction(async (db) => {
      const account = await this.emails.lockAccountEmail(db, principal.userId);
      const same = account.email !== null && account.email.toLowerCase() === email.toLowerCase();
      if (same && account.email_verified_at !== null) throw emailAlreadyVerified();
      await this.refuseIfMailedRecently(db, principal.userId, email);
      // Only the newest address asked for can be proved: earlier requests are withdrawn.
      await this.tokens.spendOutstanding(db, principal.userId, 'verify_email', email);
      if (account.email_verified_at === null) {
        await this.emails.setUnverifiedEmail(db, principal.userId, email);
      }
      await this.tokens.mailVerification(db, { userId: principal.userId, email });
      return { email };
    });
  }

  private async refuseIfMailedRecently(
    db: EntityManager,
    userId: string,
    email: string,
  ): Promise<void> {
    if (!this.config.rateLimits.enabled) return; // RATE_LIMITS=false: benchmarks
    const {
      same_wait: sameWait,
      last_hour: lastHour,
      hour_wait: hourWait,
    } = await this.emails.verificationMailWaits(db, userId, email, SAME_ADDRESS_INTERVAL_SECONDS);
    if (sameWait !== null && sameWait > 0) throw verificationMailTooSoon(sameWait);
    if (lastHour >= MESSAGES_PER_HOUR) throw verificationMailTooSoon(Math.max(1, hourWait ?? 1));
  }

  /** Tells a spent token from an expired or unknown one, so the page can say what to do. */
  private async whyUnusable(db: EntityManager, token: string): Promise<Error> {
    const row = await this.emails.verificationTokenState(db, token);
    if (!row) return verificationTokenInvalid();
    return row.used ? verificationTokenUsed() : verificationTokenExpired();
  }
}
