import { Inject, Injectable } from '@nestjs/common';
import { execute, selectRow } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { queueMail, type SqlRunner } from '@schoolyard/mail';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { type AccountTokenPurpose, accountTokenHash, newAccountToken } from './account-tokens';

export interface AccountTokenRequest {
  purpose: AccountTokenPurpose;
  userId: string;
  /** The address the token is mailed to. */
  email: string;
  organizationId?: string | null;
  profileId?: string | null;
  validForSeconds: number;
}

/**
 * Stores the token's hash in the caller's transaction and answers the token to mail. Over any
 * SQL runner: the features pass their transaction's manager, tests a pg client.
 */
export async function issueAccountToken(
  db: SqlRunner,
  request: AccountTokenRequest,
): Promise<string> {
  const token = newAccountToken();
  await db.query(
    `INSERT INTO public.account_tokens
       (token_hash, purpose, user_id, email, organization_id, profile_id, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [
      accountTokenHash(token),
      request.purpose,
      request.userId,
      request.email,
      request.organizationId ?? null,
      request.profileId ?? null,
      request.validForSeconds,
    ],
  );
  return token;
}

export interface UsedAccountToken {
  userId: string;
  email: string;
  organizationId: string | null;
  profileId: string | null;
}

/** A reset token with the names the new password must not contain. */
export interface ResetTokenRow {
  used: boolean;
  expired: boolean;
  global_username: string;
  email: string | null;
}

/** Account tokens as the services use them; the free functions above do the writing. */
@Injectable()
export class AccountTokensRepository {
  constructor(
    private readonly platform: PlatformDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Writes a verification token and its message in the caller's transaction: a registration
   * that rolls back sends nothing.
   */
  mailVerification(
    db: SqlRunner,
    to: { userId: string; email: string; organizationId?: string | null },
  ): Promise<void> {
    return this.mailToken(db, 'verify_email', 'verify-email', to, {
      validForSeconds: this.config.accounts.emailTokenTtlHours * 3600,
    });
  }

  /** A reset token and its message to the account's verified address, in the caller's transaction. */
  mailPasswordReset(db: SqlRunner, to: { userId: string; email: string }): Promise<void> {
    return this.mailToken(db, 'reset_password', 'password-reset', to, {
      validForSeconds: this.config.auth.passwordResetTtlMinutes * 60,
    });
  }

  /**
   * The link points at the platform's own host, never at the Host header of the request: a
   * forged header must not put an attacker's address in the link the holder clicks.
   */
  private async mailToken(
    db: SqlRunner,
    purpose: AccountTokenPurpose,
    template: 'verify-email' | 'password-reset',
    to: { userId: string; email: string; organizationId?: string | null },
    { validForSeconds }: { validForSeconds: number },
  ): Promise<void> {
    const token = await issueAccountToken(db, {
      purpose,
      userId: to.userId,
      email: to.email,
      validForSeconds,
    });
    await queueMail(db, {
      to: to.email,
      template,
      params: { token, host: this.config.baseDomain },
      organizationId: to.organizationId ?? null,
    });
  }

  /**
   * Uses a token once: answers its row if it was unused and unexpired, and marks it used in the
   * caller's transaction (a concurrent second use finds it used). Null for anything else.
   */
  async spend(
    manager: EntityManager,
    purpose: AccountTokenPurpose,
    token: string,
  ): Promise<UsedAccountToken | null> {
    const row = await selectRow<{
      user_id: string;
      email: string;
      organization_id: string | null;
      profile_id: string | null;
    }>(
      manager,
      `UPDATE public.account_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, email, organization_id, profile_id`,
      [accountTokenHash(token), purpose],
    );
    return row
      ? {
          userId: row.user_id,
          email: row.email,
          organizationId: row.organization_id,
          profileId: row.profile_id,
        }
      : null;
  }

  /** Any reset token of an active account, spent or not, so the page can say which it is. */
  async findResetToken(token: string): Promise<ResetTokenRow | undefined> {
    const [row] = await this.platform.query<ResetTokenRow[]>(
      `SELECT t.used_at IS NOT NULL AS used, t.expires_at <= now() AS expired,
              u.global_username, u.email
         FROM public.account_tokens t JOIN public.users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.purpose = 'reset_password' AND u.is_active`,
      [accountTokenHash(token)],
    );
    return row;
  }

  /**
   * Spends the account's outstanding tokens of one purpose in the caller's transaction, but
   * those for `keepEmail` when given. The purpose is a fixed word, never input.
   */
  async spendOutstanding(
    manager: EntityManager,
    userId: string,
    purpose: 'reset_password' | 'verify_email',
    keepEmail?: string,
  ): Promise<void> {
    const keep = keepEmail === undefined ? '' : ' AND lower(email) <> lower($2)';
    await execute(
      manager,
      `UPDATE public.account_tokens SET used_at = now()
        WHERE user_id = $1 AND purpose = '${purpose}' AND used_at IS NULL${keep}`,
      keepEmail === undefined ? [userId] : [userId, keepEmail],
    );
  }
}
