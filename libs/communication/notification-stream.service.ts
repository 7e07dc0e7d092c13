import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { TenantContext, TenantTransactions } from '@schoolyard/tenancy';
import { PassThrough } from 'node:stream';
import { tooManyStreams } from './notification-stream.errors';
import { NotificationStreamRepository } from './notification-stream.repository';
import { type StreamedNotification, StreamHub, type StreamSubscriber } from './stream-hub';

/** Open streams per account on one instance: each holds memory and a socket here. */
export const STREAMS_PER_ACCOUNT = 5;

/** Proxies and load balancers close an answer that is silent for a minute or so. */
const PING_EVERY_MS = 25_000;

/** What the browser waits before reconnecting (EventSource's `retry`). */
const RECONNECT_AFTER_MS = 5_000;

/**
 * A client that stops reading while events keep coming is dropped past this much unread
 * text, rather than buffered without bound.
 */
const MAX_UNREAD_BYTES = 64 * 1024;

const event = (name: string, data: unknown, id?: string) =>
  `${id ? `id: ${id}\n` : ''}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * The live notification stream (server-sent events). The caller's profiles in this school are
 * read in one short transaction when it opens; from then on it is fed from memory by the
 * StreamHub and holds no database connection. The access token is checked at opening only,
 * so the answer ends once a token's lifetime has passed and the client reconnects with the
 * token it holds then (EventSource does so by itself): a signed-out session streams no longer
 * than an access token lives.
 */
@Injectable()
export class NotificationStreams {
  private readonly lifetimeMs: number;

  constructor(
    private readonly hub: StreamHub,
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantContext,
    private readonly repository: NotificationStreamRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.lifetimeMs = config.auth.accessTokenTtlSeconds * 1000;
  }

  /** The answer's body for the account `userId`; 429 past STREAMS_PER_ACCOUNT here. */
  async open(userId: string): Promise<PassThrough> {
    const release = this.hub.reserve(userId, STREAMS_PER_ACCOUNT);
    if (!release) throw tooManyStreams();
    const school = this.tenant.school;
    let profileIds: string[];
    try {
      profileIds = await this.transactions.run(school, () => this.repository.profilesOf(userId));
    } catch (error) {
      release();
      throw error;
    }
    const body = new PassThrough();
    const write = (text: string) => {
      if (body.destroyed || body.writableEnded) return;
      if (body.readableLength + body.writableLength > MAX_UNREAD_BYTES) body.destroy();
      else body.write(text);
    };
    const subscriber: StreamSubscriber = {
      schemaName: school.schemaName,
      profileIds,
      deliver: (notification: StreamedNotification) =>
        write(event('notification', notification, notification.id)),
      resync: () => write(event('resync', {})),
      end: () => body.end(),
    };
    const remove = this.hub.add(subscriber);
    const ping = setInterval(() => write(': ping\n\n'), PING_EVERY_MS).unref();
    const expiry = setTimeout(() => body.end(), this.lifetimeMs).unref();
    // Fastify destroys the body when the client goes away; ending it closes it too.
    body.once('close', () => {
      clearInterval(ping);
      clearTimeout(expiry);
      remove();
      release();
    });
    // Sent at once, so the client has its headers before the first notification.
    write(`retry: ${RECONNECT_AFTER_MS}\n: open\n\n`);
    return body;
  }
}
