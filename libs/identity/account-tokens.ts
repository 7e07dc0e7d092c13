import { createHash, randomBytes } from 'node:crypto';

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
