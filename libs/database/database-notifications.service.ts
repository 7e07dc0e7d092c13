import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { Client } from 'pg';
import { DATABASE_URLS } from './database.tokens';
import { type DatabaseUrls } from './prepare-database';
import { NotificationChannels } from './database-notifications.store';

type Handler = (payload: string) => void;

/**
 * Where every school's `notifications` trigger announces a new row (migration
 * Communication): `{ schema, profileId, id, category, title, createdAt }` as JSON, heard by the
 * live notification streams of every instance.
 */
export const NOTIFICATIONS_CHANNEL = 'schoolyard_notifications';

/**
 * One LISTEN connection per process, shared by every in-process cache that the database
 * invalidates (school hosts, auth sessions). It connects with the owner URL because LISTEN
 * needs a session, which PgBouncer's transaction pooling does not keep. When the connection
 * drops, subscribers are told to forget everything: changes announced meanwhile are unknown.
 */
@Injectable()
export class DatabaseNotifications implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(DatabaseNotifications.name);
  private readonly handlers = new Map<string, Handler[]>();
  private readonly lostHandlers: Array<() => void> = [];
  private client: Client | undefined;
  private closing = false;
  private connectedBefore = false;

  constructor(@Inject(DATABASE_URLS) private readonly urls: DatabaseUrls) {}

  /** Call from a constructor: channels are listened to when the module starts. */
  subscribe(channel: string, handler: Handler, onLost: () => void): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`unexpected channel name "${channel}"`);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    this.lostHandlers.push(onLost);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    // Also a connection still being opened (a reconnect after an outage): left open, it
    // would keep the process alive after the application closed.
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closing || this.handlers.size === 0) return;
    const client = new Client({
      connectionString: this.urls.ownerUrl,
      application_name: 'schoolyard-notifications',
    });
    let lost = false;
    const onLost = (error?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      for (const forget of this.lostHandlers) forget();
      if (this.closing) return;
      this.logger.warn({ err: error }, 'database notifications lost; reconnecting in 1 s');
      setTimeout(() => void this.connect(), 1_000).unref();
    };
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? [])
        handler(message.payload ?? '');
    });
    client.on('error', onLost);
    client.on('end', () => onLost());
    this.client = client;
    try {
      await client.connect();
      const channels = new NotificationChannels(client);
      for (const channel of this.handlers.keys()) await channels.listen(channel);
      // Changes committed while nobody listened were missed: forget again now that we hear.
      if (this.connectedBefore) for (const forget of this.lostHandlers) forget();
      this.connectedBefore = true;
    } catch (error) {
      onLost(error);
    }
  }
}
