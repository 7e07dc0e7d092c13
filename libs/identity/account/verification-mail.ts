import { type AppConfig } from '@schoolyard/config';
import { queueMail, type SqlRunner } from '@schoolyard/mail';
import { issueAccountToken } from '../account-tokens.repository';

/**
 * Writes a verification token and its message in the caller's transaction: a registration
 * that rolls back sends nothing. The link points at the platform's own host, never at the
 * Host header of the request, so a forged header cannot aim the link at another site.
 */
export async function mailEmailVerification(
  db: SqlRunner,
  config: AppConfig,
  to: { userId: string; email: string; organizationId?: string | null },
): Promise<void> {
  const token = await issueAccountToken(db, {
    purpose: 'verify_email',
    userId: to.userId,
    email: to.email,
    validForSeconds: config.accounts.emailTokenTtlHours * 3600,
  });
  await queueMail(db, {
    to: to.email,
    template: 'verify-email',
    params: { token, host: config.baseDomain },
    organizationId: to.organizationId ?? null,
  });
}
