import { withOwnerClient } from './test-app';

/** A message as a test reads it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** The single-use token the message carries, if any. */
  token: string | null;
}

/**
 * The newest message to `address` (of `template`, when given), waiting up to `timeoutMs`.
 *
 * Interim: reads the outbox row. The mail delivery work replaces the body with messages
 * received over SMTP by a server the test run starts; the signature stays.
 */
export async function mailTo(
  address: string,
  options: { template?: string; timeoutMs?: number } = {},
): Promise<ReceivedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const rows = await withOwnerClient((db) =>
      db.query<{ recipient: string; template: string; params: { token?: string } }>(
        `SELECT recipient, template, params FROM public.mail_outbox
          WHERE lower(recipient) = lower($1) AND ($2::text IS NULL OR template = $2)
          ORDER BY id DESC LIMIT 1`,
        [address, options.template ?? null],
      ),
    );
    const row = rows.rows[0];
    if (row) {
      return {
        to: row.recipient,
        subject: row.template,
        text: JSON.stringify(row.params),
        token: row.params.token ?? null,
      };
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${address} within the wait`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
