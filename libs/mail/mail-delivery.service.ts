import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { type JobQueue } from '@schoolyard/jobs';
import { DataSource, type QueryRunner } from 'typeorm';
import { checkMail, linkHostName, renderMail } from './mail-templates';
import { MAIL_TRANSPORT, type MailTransport } from './mail-transport';
import { OutboxRepository } from './outbox.repository';

/** The job that sends one outbox row: `{ id }` only, so no token sits in pg-boss's tables. */
export interface DeliverMailJob {
  id: string;
}

/**
 * `short`: one waiting job per outbox row (singleton key = row id). Retry timing is set per
 * job from MAIL_RETRY_DELAY_SECONDS; a run longer than two minutes is counted failed (the
 * SMTP timeouts end one well before).
 */
export function deliverMailQueue(config: AppConfig): JobQueue {
  return {
    name: 'mail.deliver',
    policy: 'short',
    expireInSeconds: 120,
    retryLimit: 8,
    retryDelay: config.mail.retryDelaySeconds,
    retryBackoff: true,
  };
}

export type DeliveryOutcome = 'sent' | 'already-sent' | 'busy' | 'missing' | 'undeliverable';

/** A failed delivery, said without the message's token. */
export class MailDeliveryError extends Error {}

/**
 * Sends one outbox row. The row is locked from before the message leaves until `sent_at` is
 * written, in one transaction, and this is the only writer of `sent_at`: two jobs for one row
 * (a dispatcher that crashed after queueing, a job retried after a timeout) cannot both send
 * it. A crash after the server took the message and before the commit sends it again on the
 * retry; SMTP cannot do better, and the stable Message-ID lets a receiver tell.
 */
@Injectable()
export class MailDelivery {
  private readonly logger = new Logger(MailDelivery.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Throws MailDeliveryError when the transport failed, so that the job is retried. */
  async deliver(id: string): Promise<DeliveryOutcome> {
    const db = this.owner.createQueryRunner();
    await db.connect();
    try {
      await db.startTransaction();
      const outcome = await this.deliverLocked(db, id);
      await db.commitTransaction();
      if (outcome instanceof MailDeliveryError) throw outcome;
      this.logger.debug({ outboxId: id, outcome }, 'mail delivery');
      return outcome;
    } catch (error) {
      if (db.isTransactionActive) await db.rollbackTransaction().catch(() => undefined);
      if (error instanceof MailDeliveryError) throw error;
      // pg-boss stores a failed job's error, every enumerable field of it: a TypeORM error
      // carries the query's parameters, which may hold the token. Only the message goes on.
      const message = error instanceof Error ? error.message : String(error);
      throw new MailDeliveryError(`delivery of outbox row ${id} failed: ${message.slice(0, 500)}`);
    } finally {
      await db.release();
    }
  }

  /** Answers the failure rather than throwing it: it is recorded, and the record committed. */
  private async deliverLocked(
    db: QueryRunner,
    id: string,
  ): Promise<DeliveryOutcome | MailDeliveryError> {
    const row = await this.outbox.lockForDelivery(db, id);
    if (!row) {
      return (await this.outbox.exists(db, id)) ? 'busy' : 'missing';
    }
    if (row.sentAt) return 'already-sent';

    const mail = checkMail(row.template, row.params);
    if ('problem' in mail) return this.undeliverable(db, id, mail.problem);
    const hostProblem = await this.linkHostProblem(db, mail.params.host);
    if (hostProblem) return this.undeliverable(db, id, hostProblem);

    const rendered = renderMail(mail, {
      scheme: this.config.mail.publicUrlScheme,
      port: this.config.publicUrlPort,
      expiresAt:
        'token' in mail.params ? await this.outbox.tokenExpiry(db, mail.params.token) : null,
      now: new Date(),
    });
    try {
      await this.transport.send({
        to: row.recipient,
        ...rendered,
        messageId: `<mail-outbox-${id}@${this.config.baseDomain}>`,
        headers: { 'X-Schoolyard-Template': mail.template },
      });
    } catch (error) {
      const reason = withoutSecret(error, 'token' in mail.params ? mail.params.token : null);
      await this.outbox.markFailed(db, id, reason);
      this.logger.warn({ outboxId: id, reason }, 'mail delivery failed; retried later');
      return new MailDeliveryError(reason);
    }
    await this.outbox.markSent(db, id);
    return 'sent';
  }

  /** A link must lead to the platform: the host comes from whoever wrote the row. */
  private async linkHostProblem(db: QueryRunner, host: string): Promise<string | undefined> {
    const name = linkHostName(host);
    if (name && (await this.outbox.isPlatformHost(db, name, this.config.baseDomain))) return;
    return `the link's host "${host.slice(0, 100)}" is not one of the platform's`;
  }

  /** Retrying cannot mend the row: it stays unsent, with the reason, for an operator. */
  private async undeliverable(
    db: QueryRunner,
    id: string,
    problem: string,
  ): Promise<'undeliverable'> {
    await this.outbox.markFailed(db, id, problem);
    this.logger.warn({ outboxId: id, problem }, 'mail not deliverable');
    return 'undeliverable';
  }
}

/** An error's message fit for `last_error` and the logs: no token, no stack, bounded. */
function withoutSecret(error: unknown, token: string | null): string {
  const message = error instanceof Error ? error.message : String(error);
  return (token ? message.split(token).join('[token]') : message).slice(0, 500);
}
