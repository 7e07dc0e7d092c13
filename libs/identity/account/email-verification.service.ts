import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { isUniqueViolation } from '@schoolyard/database';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { accountTokenHash, useAccountToken } from '../account-tokens';
import { type Principal } from '../auth/principal';
import { Throttle } from '../login-throttle';
import { Passwords } from '../passwords.service';
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
import { mailEmailVerification } from './verification-mail';

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

interface AccountRow {
  email: string | null;
  email_verified_at: Date | null;
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
  ) {}

  /**
   * Spends the token and gives its account the address it was mailed to. Unverified claims of
   * that address by other accounts are released (their email becomes NULL) along with their
   * outstanding tokens for it. A token that cannot be spent leaves nothing changed.
   */
  async verify(token: string): Promise<VerifiedEmail> {
    try {
      return await this.requests.transaction(async (db) => {
        const used = await useAccountToken(db, 'verify_email', token);
        if (!used) throw await this.whyUnusable(db, token);
        const holders: Array<{ id: string }> = await db.query(
          `SELECT id FROM public.users
            WHERE lower(email) = lower($1) AND email_verified_at IS NOT NULL AND id <> $2`,
          [used.email, used.userId],
        );
        if (holders.length) throw verifiedElsewhere();
        // By the released accounts' ids, so the tokens are found through their index.
        await db.query(
          `WITH released AS (
             UPDATE public.users SET email = NULL, updated_at = now()
              WHERE lower(email) = lower($1) AND email_verified_at IS NULL AND id <> $2
             RETURNING id)
           UPDATE public.account_tokens SET used_at = now()
            WHERE user_id IN (SELECT id FROM released) AND purpose = 'verify_email'
              AND used_at IS NULL`,
          [used.email, used.userId],
        );
        // The proved address becomes the account's, even if it asked for another since.
        await db.query(
          `UPDATE public.users SET email = $2, email_verified_at = now(), updated_at = now()
            WHERE id = $1`,
          [used.userId, used.email],
        );
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
      const account = await this.lockedAccount(db, principal.userId);
      let target: string | null;
      if (account.email_verified_at === null) {
        target = account.email;
        if (target === null) throw noEmailToVerify();
      } else {
        const pending: Array<{ email: string }> = await db.query(
          `SELECT email FROM public.account_tokens
            WHERE user_id = $1 AND purpose = 'verify_email' AND used_at IS NULL
              AND lower(email) <> lower($2)
            ORDER BY created_at DESC LIMIT 1`,
          [principal.userId, account.email],
        );
        target = pending[0]?.email ?? null;
        if (target === null) throw emailAlreadyVerified();
      }
      await this.refuseIfMailedRecently(db, principal.userId, target);
      await mailEmailVerification(db, this.config, { userId: principal.userId, email: target });
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
    const rows: Array<{ password_hash: string }> = await this.requests.query(
      'SELECT password_hash FROM public.users WHERE id = $1',
      [principal.userId],
    );
    // argon2 runs before the transaction so no connection waits on it.
    if (!rows[0] || !(await this.passwords.verify(rows[0].password_hash, password))) {
      this.passwordFailures.fail(key);
      throw wrongPassword();
    }
    this.passwordFailures.succeed(key);
    return this.requests.transaction(async (db) => {
      const account = await this.lockedAccount(db, principal.userId);
      const same = account.email !== null && account.email.toLowerCase() === email.toLowerCase();
      if (same && account.email_verified_at !== null) throw emailAlreadyVerified();
      await this.refuseIfMailedRecently(db, principal.userId, email);
      // Only the newest address asked for can be proved: earlier requests are withdrawn.
      await db.query(
        `UPDATE public.account_tokens SET used_at = now()
          WHERE user_id = $1 AND purpose = 'verify_email' AND used_at IS NULL
            AND lower(email) <> lower($2)`,
        [principal.userId, email],
      );
      if (account.email_verified_at === null) {
        await db.query(`UPDATE public.users SET email = $2, updated_at = now() WHERE id = $1`, [
          principal.userId,
          email,
        ]);
      }
      await mailEmailVerification(db, this.config, { userId: principal.userId, email });
      return { email };
    });
  }

  /** Locked so that two requests of one account cannot both pass the once-a-minute check. */
  private async lockedAccount(db: EntityManager, userId: string): Promise<AccountRow> {
    const rows: AccountRow[] = await db.query(
      'SELECT email, email_verified_at FROM public.users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    return rows[0];
  }

  private async refuseIfMailedRecently(
    db: EntityManager,
    userId: string,
    email: string,
  ): Promise<void> {
    if (!this.config.rateLimits.enabled) return; // RATE_LIMITS=false: benchmarks
    const rows: Array<{ same_wait: number | null; last_hour: number; hour_wait: number | null }> =
      await db.query(
        `SELECT ceil($3 - extract(epoch FROM now() - max(created_at)
                  FILTER (WHERE lower(email) = lower($2))))::int AS same_wait,
                count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS last_hour,
                ceil(3600 - extract(epoch FROM now() - min(created_at)
                  FILTER (WHERE created_at > now() - interval '1 hour')))::int AS hour_wait
           FROM public.account_tokens WHERE user_id = $1 AND purpose = 'verify_email'`,
        [userId, email, SAME_ADDRESS_INTERVAL_SECONDS],
      );
    const { same_wait: sameWait, last_hour: lastHour, hour_wait: hourWait } = rows[0];
    if (sameWait !== null && sameWait > 0) throw verificationMailTooSoon(sameWait);
    if (lastHour >= MESSAGES_PER_HOUR) throw verificationMailTooSoon(Math.max(1, hourWait ?? 1));
  }

  /** Tells a spent token from an expired or unknown one, so the page can say what to do. */
  private async whyUnusable(db: EntityManager, token: string): Promise<Error> {
    const rows: Array<{ used: boolean; expired: boolean }> = await db.query(
      `SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired
         FROM public.account_tokens WHERE token_hash = $1 AND purpose = 'verify_email'`,
      [accountTokenHash(token)],
    );
    const row = rows[0];
    if (!row) return verificationTokenInvalid();
    return row.used ? verificationTokenUsed() : verificationTokenExpired();
  }
}
