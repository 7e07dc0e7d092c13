import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { validationFailed } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { AccountTokensRepository } from '../account-tokens.repository';
import { passwordProblems } from '../password-policy';
import { Passwords } from '../passwords.service';
import { Quota } from '../quota';
import { UsersRepository } from '../users.repository';
import {
  resetTokenExpired,
  resetTokenInvalid,
  resetTokenUsed,
  tooManyResetRequests,
} from './password-reset.errors';
import { AuthSessions } from './auth-sessions.service';

/**
 * Password reset by a token mailed to the account's verified email. Asking never tells whether
 * an account exists: the answer is given before the account is even looked up, so its status,
 * body and time are the same either way; the token and its mail are written afterwards, in one
 * transaction, only when there is such an account.
 */
@Injectable()
export class PasswordResets implements OnModuleDestroy {
  private readonly logger = new Logger(PasswordResets.name);
  /** Per client address: past it the caller is told to wait (it is their own address). */
  private readonly byClient: Quota;
  /**
   * Mails per email address: past it requests are answered as usual and nothing is sent, so a
   * stranger cannot fill someone's mailbox. The window is never longer than a token lives, so
   * whoever spent the quota left a working link in the holder's mailbox.
   */
  private readonly byEmail: Quota;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly requests: PlatformDatabase,
    private readonly passwords: Passwords,
    private readonly sessions: AuthSessions,
    private readonly tokens: AccountTokensRepository,
    private readonly users: UsersRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const enabled = config.rateLimits.enabled;
    this.byClient = new Quota(10, 900, enabled);
    this.byEmail = new Quota(3, Math.min(900, config.auth.passwordResetTtlMinutes * 60), enabled);
  }

  /** Throws only for the caller's own address being over its quota. */
  request(email: string, clientAddress: string): void {
    const wait = this.byClient.take(clientAddress);
    if (wait > 0) throw tooManyResetRequests(wait);
    const address = email.trim().toLowerCase();
    if (this.byEmail.take(address) > 0) return;
    const work = this.mailIfAccount(address).finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  async reset(token: string, newPassword: string): Promise<void> {
    const found = await this.tokens.findResetToken(token);
    if (!found) throw resetTokenInvalid();
    if (found.used) throw resetTokenUsed();
    if (found.expired) throw resetTokenExpired();
    // Checked before the token is spent: a refused password leaves the link working.
    const problems = passwordProblems(newPassword, [found.global_username, found.email]);
    if (problems.length) throw validationFailed([{ field: 'newPassword', problems }]);

    const hash = await this.passwords.hash(newPassword);
    const reset = await this.requests.transaction(async (manager) => {
      // Spent here, once: of two concurrent resets with one token, one finds it used.
      const used = await this.tokens.spend(manager, 'reset_password', token);
      if (!used) return false;
      await this.users.setPassword(used.userId, hash, manager);
      // Other links mailed for this account stop working with the password they were for.
      await this.tokens.spendOutstanding(manager, used.userId, 'reset_password');
      await this.sessions.revokeAll(used.userId, 'password_reset', manager);
      return true;
    });
    if (!reset) throw resetTokenUsed();
  }

  /** Lets answered requests finish their writes before the database pool closes. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async mailIfAccount(address: string): Promise<void> {
    try {
      await this.requests.transaction(async (manager) => {
        const account = await this.users.findMailableAccount(manager, address);
        if (!account) return;
        await this.tokens.mailPasswordReset(manager, { userId: account.id, email: account.email });
      });
    } catch (error) {
      this.logger.error(`A password-reset request was not mailed: ${(error as Error).message}`);
    }
  }
}
