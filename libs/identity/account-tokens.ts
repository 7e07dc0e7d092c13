import { createHash, randomBytes } from 'node:crypto';
import { type SqlRunner } from '@schoolyard/mail';

/**
 * Single-use tokens mailed to an account's holder (`public.account_tokens`). The token itself
 * goes only into the message; the table keeps its SHA-256, so a copy of the database cannot
 * verify an address, accept a link or reset a password.
 */
export type AccountTokenPurpose = 'verify_email' | 'link_school' | 'reset_password';

export function newAccountToken(): string {
  return randomBytes(32).toString('base64url');
}

export function accountTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export interface AccountTokenRequest {
  purpose: AccountTokenPurpose;
  userId: string;
  /** The address the token is mailed to. */
  email: string;
  organizationId?: string | null;
  profileId?: string | null;
  validForSeconds: number;
}

/** Stores the token's hash in the caller's transaction and answers the token to mail. */
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

/**
 * Uses a token once: answers its row if it was unused and unexpired, and marks it used in the
 * caller's transaction (a concurrent second use finds it used). Null for anything else.
 */
export async function useAccountToken(
  db: SqlRunner,
  purpose: AccountTokenPurpose,
  token: string,
): Promise<UsedAccountToken | null> {
  const rows = (await db.query(
    // Wrapped in a CTE: TypeORM answers a bare UPDATE … RETURNING as [rows, count].
    `WITH used AS (
       UPDATE public.account_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, email, organization_id, profile_id)
     SELECT * FROM used`,
    [accountTokenHash(token), purpose],
  )) as Array<{
    user_id: string;
    email: string;
    organization_id: string | null;
    profile_id: string | null;
  }>;
  const row = rows[0];
  return row
    ? {
        userId: row.user_id,
        email: row.email,
        organizationId: row.organization_id,
        profileId: row.profile_id,
      }
    : null;
}
