import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';
import { accountTokenHash } from '../account-tokens';

export interface AccountEmailRow {
  email: string | null;
  email_verified_at: Date | null;
}

/** Seconds to wait before mailing the address again, and the messages of the last hour. */
export interface VerificationMailWaitRow {
  same_wait: number | null;
  last_hour: number;
  hour_wait: number | null;
}

/**
 * Accounts' addresses and their verification tokens, in the caller's platform transaction
 * (the API's login role on public tables; no school transaction is involved).
 */
@Injectable()
export class AccountEmailsRepository {
  /** Locked so that two requests of one account cannot both pass the once-a-minute check. */
  async lockAccountEmail(db: EntityManager, userId: string): Promise<AccountEmailRow> {
    const [row] = await selectRows<AccountEmailRow>(
      db,
      'SELECT email, email_verified_at FROM public.users WHERE id = $1 FOR UPDATE',
      [userId],
    );
    return row;
  }

  async isVerifiedByAnother(db: EntityManager, email: string, userId: string): Promise<boolean> {
    const holders = await selectRows(
      db,
      `SELECT id FROM public.users
        WHERE lower(email) = lower($1) AND email_verified_at IS NOT NULL AND id <> $2`,
      [email, userId],
    );
    return holders.length > 0;
  }

  /**
   * Other accounts' unverified claims of the address lose it, with their outstanding tokens;
   * by the released accounts' ids, so the tokens are found through their index.
   */
  async releaseUnverifiedClaims(db: EntityManager, email: string, userId: string): Promise<void> {
    await execute(
      db,
      `WITH released AS (
         UPDATE public.users SET email = NULL, updated_at = now()
          WHERE lower(email) = lower($1) AND email_verified_at IS NULL AND id <> $2
         RETURNING id)
       UPDATE public.account_tokens SET used_at = now()
        WHERE user_id IN (SELECT id FROM released) AND purpose = 'verify_email'
          AND used_at IS NULL`,
      [email, userId],
    );
  }

  async setVerifiedEmail(db: EntityManager, userId: string, email: string): Promise<void> {
    await execute(
      db,
      `UPDATE public.users SET email = $2, email_verified_at = now(), updated_at = now()
        WHERE id = $1`,
      [userId, email],
    );
  }

  async setUnverifiedEmail(db: EntityManager, userId: string, email: string): Promise<void> {
    await execute(db, `UPDATE public.users SET email = $2, updated_at = now() WHERE id = $1`, [
      userId,
      email,
    ]);
  }

  /** The newest address asked for that is not `current`, still waiting to be proved. */
  async pendingAddress(db: EntityManager, userId: string, current: string | null) {
    const row = await selectRow<{ email: string }>(
      db,
      `SELECT email FROM public.account_tokens
        WHERE user_id = $1 AND purpose = 'verify_email' AND used_at IS NULL
          AND lower(email) <> lower($2)
        ORDER BY created_at DESC LIMIT 1`,
      [userId, current],
    );
    return row?.email ?? null;
  }

  async verificationMailWaits(
    db: EntityManager,
    userId: string,
    email: string,
    sameAddressIntervalSeconds: number,
  ): Promise<VerificationMailWaitRow> {
    const [row] = await selectRows<VerificationMailWaitRow>(
      db,
      `SELECT ceil($3 - extract(epoch FROM now() - max(created_at)
                FILTER (WHERE lower(email) = lower($2))))::int AS same_wait,
              count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS last_hour,
              ceil(3600 - extract(epoch FROM now() - min(created_at)
                FILTER (WHERE created_at > now() - interval '1 hour')))::int AS hour_wait
         FROM public.account_tokens WHERE user_id = $1 AND purpose = 'verify_email'`,
      [userId, email, sameAddressIntervalSeconds],
    );
    return row;
  }

  /** Whether a verification token that could not be spent was spent or expired (or unknown). */
  verificationTokenState(db: EntityManager, token: string) {
    return selectRow<{ used: boolean; expired: boolean }>(
      db,
      `SELECT used_at IS NOT NULL AS used, expires_at <= now() AS expired
         FROM public.account_tokens WHERE token_hash = $1 AND purpose = 'verify_email'`,
      [accountTokenHash(token)],
    );
  }
}
