import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { type QueryRunner } from 'typeorm';
import { type MailTemplate, type OutgoingMail, type SqlRunner } from './outbox';

/** An outbox row as the delivery job reads it. */
export interface OutboxRow {
  id: string;
  recipient: string;
  template: string;
  params: unknown;
  sentAt: Date | null;
}

/**
 * Every query of mail delivery, run as the owner account (platform work) in the caller's
 * transaction. The API login may only insert rows; reading, sending and purging are here.
 */
@Injectable()
export class OutboxRepository {
  /**
   * Locks a row for its delivery. SKIP LOCKED: a row another job is sending right now is not
   * waited for (that job finishes it, or fails and is retried).
   */
  async lockForDelivery(db: QueryRunner, id: string): Promise<OutboxRow | null> {
    const row = await selectRow<OutboxRow>(
      db.manager,
      `SELECT id, recipient, template, params, sent_at AS "sentAt" FROM public.mail_outbox
        WHERE id = $1 FOR UPDATE SKIP LOCKED`,
      [id],
    );
    return row ?? null;
  }

  /** Whether the row exists at all (a row another job holds is not locked for delivery). */
  async exists(db: QueryRunner, id: string): Promise<boolean> {
    const rows = await selectRows(db.manager, `SELECT 1 FROM public.mail_outbox WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  /** The mailed token's expiry: the table keeps only its SHA-256. */
  async tokenExpiry(db: QueryRunner, token: string): Promise<Date | null> {
    const row = await selectRow<{ expires_at: Date }>(
      db.manager,
      `SELECT expires_at FROM public.account_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))`,
      [token],
    );
    return row?.expires_at ?? null;
  }

  /** Whether a host name leads to the platform: its own domain, a subdomain, or a school's domain. */
  async isPlatformHost(db: QueryRunner, hostName: string, baseDomain: string): Promise<boolean> {
    if (hostName === baseDomain || hostName.endsWith(`.${baseDomain}`)) return true;
    const rows = await selectRows(db.manager, `SELECT 1 FROM public.domains WHERE host = $1`, [
      hostName,
    ]);
    return rows.length > 0;
  }

  /**
   * Sent: the parameters (the token) are purged, so the table keeps no live token. An earlier
   * attempt's error stays, as the record of why the message left late.
   */
  async markSent(db: QueryRunner, id: string): Promise<void> {
    await execute(
      db.manager,
      `UPDATE public.mail_outbox SET sent_at = now(), attempts = attempts + 1, params = '{}'
        WHERE id = $1 AND sent_at IS NULL`,
      [id],
    );
  }

  async markFailed(db: QueryRunner, id: string, error: string): Promise<void> {
    await execute(
      db.manager,
      `UPDATE public.mail_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
      [id, error],
    );
  }

  /** Rows no job was sent for yet, locked so that two dispatchers never take the same one. */
  async lockUnqueued(db: QueryRunner, limit: number): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(
      db.manager,
      `SELECT id FROM public.mail_outbox
        WHERE queued_at IS NULL AND sent_at IS NULL
        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => row.id);
  }

  async markQueued(db: QueryRunner, ids: string[]): Promise<void> {
    await execute(
      db.manager,
      `UPDATE public.mail_outbox SET queued_at = now() WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }
}

/**
 * Queues a message in the caller's transaction (`db`: a TypeORM manager or a pg client). The
 * API login may do this and nothing else with the outbox.
 */
export async function queueMail<T extends MailTemplate>(
  db: SqlRunner,
  mail: OutgoingMail<T>,
): Promise<void> {
  await db.query(
    `INSERT INTO public.mail_outbox (recipient, template, params, organization_id)
     VALUES ($1, $2, $3::jsonb, $4)`,
    [mail.to, mail.template, JSON.stringify(mail.params), mail.organizationId ?? null],
  );
}
