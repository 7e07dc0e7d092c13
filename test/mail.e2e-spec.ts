import { issueAccountToken, newAccountToken } from '@schoolyard/identity';
import { Jobs } from '@schoolyard/jobs';
import { type DeliverMailJob, deliverMailQueue, MailDispatcher, queueMail } from '@schoolyard/mail';
import { randomBytes } from 'node:crypto';
import { mailsTo, mailTo, REFUSE_ONCE_PREFIX } from './support/mailbox';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

const address = (label: string) => `${label}-${randomBytes(5).toString('hex')}@mail.test`;

interface OutboxState {
  id: string;
  params: Record<string, unknown>;
  queued_at: Date | null;
  sent_at: Date | null;
  attempts: number;
  last_error: string | null;
}

function outboxRow(recipient: string): Promise<OutboxState | undefined> {
  return withOwnerClient(async (db) => {
    const rows = await db.query<OutboxState>(
      `SELECT id, params, queued_at, sent_at, attempts, last_error FROM public.mail_outbox
        WHERE recipient = $1`,
      [recipient],
    );
    return rows.rows[0];
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Queues a message in a transaction of the test's own, committed unless told otherwise. */
async function queued(
  recipient: string,
  token: string,
  options: { host?: string; rollback?: boolean } = {},
): Promise<void> {
  await withOwnerClient(async (db) => {
    await db.query('BEGIN');
    await queueMail(db, {
      to: recipient,
      template: 'verify-email',
      params: { token, host: options.host ?? 'mailtest.localhost' },
    });
    await db.query(options.rollback ? 'ROLLBACK' : 'COMMIT');
  });
}

/*
 * Every app of the run shares the database and delivers into the run's SMTP server, so any
 * app may deliver these rows; what is asserted is what arrives, and the row's record.
 */
describe('mail delivery', () => {
  let t: TestApp;
  let school: RegisteredSchool;

  beforeAll(async () => {
    t = await createTestApp();
    school = await registerSchool(t.app);
  });
  afterAll(async () => {
    await t.close();
  });

  it('delivers a committed message over SMTP with its link, its expiry and its token', async () => {
    const to = address('committed');
    // As the features do it: the token and its message in the transaction of the change.
    const token = await withOwnerClient(async (db) => {
      await db.query('BEGIN');
      const issued = await issueAccountToken(db, {
        purpose: 'verify_email',
        userId: school.ownerUserId,
        email: to,
        validForSeconds: 48 * 3600,
      });
      await queueMail(db, {
        to,
        template: 'verify-email',
        params: { token: issued, host: school.host },
      });
      await db.query('COMMIT');
      return issued;
    });
    const mail = await mailTo(to, { template: 'verify-email' });
    expect(mail.subject).toBe('Confirm your email address');
    expect(mail.text).toContain(
      `http://${school.host}:${t.config.port}/verify-email?token=${token}`,
    );
    expect(mail.text).toContain('expires in 48 hours');
    expect(mail.text.split('\n')).toContain(token);
    expect(mail.token).toBe(token);
  });

  it('never delivers a message whose transaction rolled back', async () => {
    const rolledBack = address('rolled-back');
    const committed = address('committed-after');
    await queued(rolledBack, newAccountToken(), { rollback: true });
    await queued(committed, newAccountToken());
    await mailTo(committed);
    await t.app.get(MailDispatcher).dispatchPending();
    expect(await outboxRow(rolledBack)).toBeUndefined();
    expect(await mailsTo(rolledBack)).toEqual([]);
  });

  it('purges the parameters once sent, so no token stays in the table', async () => {
    const to = address('purged');
    await queued(to, newAccountToken());
    await mailTo(to);
    const row = await until('the row marked sent', async () => {
      const found = await outboxRow(to);
      return found?.sent_at ? found : undefined;
    });
    expect(row).toMatchObject({ params: {}, attempts: 1, last_error: null });
    expect(row.queued_at).not.toBeNull();
  });

  it('retries a delivery the server refused, and delivers it once', async () => {
    const to = `${REFUSE_ONCE_PREFIX}-${address('retried')}`;
    const token = newAccountToken();
    await queued(to, token);
    const mail = await mailTo(to, { timeoutMs: 30_000 });
    expect(mail.token).toBe(token);
    const row = await until('the row marked sent', async () => {
      const found = await outboxRow(to);
      return found?.sent_at ? found : undefined;
    });
    expect(row.attempts).toBe(2);
    expect(row.last_error).toMatch(/450|busy/i);
    expect(row.last_error).not.toContain(token);

    // A second job for the row (one retried after its run timed out, or sent by hand) finds
    // it sent and sends nothing.
    await t.app
      .get(Jobs)
      .send<DeliverMailJob>(deliverMailQueue(t.config), { id: row.id }, { singletonKey: row.id });
    await until('the second job to finish', async () => {
      const jobs = await withOwnerClient((db) =>
        db.query<{ done: number }>(
          `SELECT count(*)::int AS done FROM pgboss.job
            WHERE name = 'mail.deliver' AND singleton_key = $1 AND state = 'completed'`,
          [row.id],
        ),
      );
      return jobs.rows[0].done >= 2 ? true : undefined;
    });
    expect(await mailsTo(to)).toHaveLength(1);
    expect((await outboxRow(to))?.attempts).toBe(2);
  });

  it('keeps a message whose link leads off the platform, with the reason', async () => {
    const to = address('foreign-host');
    await queued(to, newAccountToken(), { host: 'schoolyard.evil.test' });
    const row = await until('the row marked undeliverable', async () => {
      const found = await outboxRow(to);
      return found?.last_error ? found : undefined;
    });
    expect(row.sent_at).toBeNull();
    expect(row.last_error).toMatch(/not one of the platform's/);
    expect(await mailsTo(to)).toEqual([]);
  });
});
