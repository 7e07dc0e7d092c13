import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DatabaseNotifications, NOTIFICATIONS_CHANNEL } from '@schoolyard/database';

/** What a stream shows of a new notification: the trigger's payload, less the schema. */
export interface StreamedNotification {
  id: string;
  profileId: string;
  category: string;
  title: string;
  createdAt: string;
}

/** An open stream, as the hub sees it. */
export interface StreamSubscriber {
  /** The school's schema: the trigger names the school by it. */
  schemaName: string;
  profileIds: readonly string[];
  deliver(notification: StreamedNotification): void;
  /** Notifications may have been missed (the listening connection dropped): re-read the inbox. */
  resync(): void;
  /** The instance is stopping: end the answer, the client reconnects elsewhere. */
  end(): void;
}

interface Announced extends StreamedNotification {
  schema: string;
}

const keyOf = (schemaName: string, profileId: string) => `${schemaName}/${profileId}`;

/**
 * Routes the database's `schoolyard_notifications` announcements (a trigger on every school's
 * `notifications`, whichever instance or job wrote the row) to the streams open on THIS
 * instance, in memory: a Map from school and person to their streams. The one LISTEN
 * connection of the process carries them, so an open stream costs no database connection.
 */
@Injectable()
export class StreamHub implements OnModuleDestroy {
  private readonly logger = new Logger('NotificationStreams');
  private readonly byPerson = new Map<string, Set<StreamSubscriber>>();
  private readonly all = new Set<StreamSubscriber>();
  private readonly perAccount = new Map<string, number>();

  constructor(notifications: DatabaseNotifications) {
    notifications.subscribe(
      NOTIFICATIONS_CHANNEL,
      (payload) => this.onAnnounced(payload),
      () => this.resyncAll(),
    );
  }

  get openStreams(): number {
    return this.all.size;
  }

  /**
   * Holds one of the account's places (at most `limit` open streams per account on this
   * instance); answers the function that gives it back, or undefined when all are taken.
   * Taken before any database work, so a flood of opens costs no query.
   */
  reserve(userId: string, limit: number): (() => void) | undefined {
    const held = this.perAccount.get(userId) ?? 0;
    if (held >= limit) return undefined;
    this.perAccount.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perAccount.get(userId) ?? 1) - 1;
      if (left > 0) this.perAccount.set(userId, left);
      else this.perAccount.delete(userId);
    };
  }

  /** Starts routing to `subscriber`; answers the function that stops it. */
  add(subscriber: StreamSubscriber): () => void {
    this.all.add(subscriber);
    for (const profileId of subscriber.profileIds) {
      const key = keyOf(subscriber.schemaName, profileId);
      let set = this.byPerson.get(key);
      if (!set) this.byPerson.set(key, (set = new Set()));
      set.add(subscriber);
    }
    return () => {
      this.all.delete(subscriber);
      for (const profileId of subscriber.profileIds) {
        const key = keyOf(subscriber.schemaName, profileId);
        const set = this.byPerson.get(key);
        set?.delete(subscriber);
        if (set?.size === 0) this.byPerson.delete(key);
      }
    };
  }

  /** Streams would keep the HTTP server from closing: end them before it closes. */
  onModuleDestroy(): void {
    for (const subscriber of [...this.all]) subscriber.end();
  }

  private onAnnounced(payload: string): void {
    // Every school's notifications reach every instance: most have no stream open here.
    if (this.all.size === 0) return;
    let announced: Announced;
    try {
      announced = JSON.parse(payload) as Announced;
    } catch (error) {
      this.logger.warn({ err: error }, 'unreadable notification announcement');
      return;
    }
    const subscribers = this.byPerson.get(keyOf(announced.schema, announced.profileId));
    if (!subscribers) return;
    const shown: StreamedNotification = {
      id: announced.id,
      profileId: announced.profileId,
      category: announced.category,
      title: announced.title,
      createdAt: announced.createdAt,
    };
    for (const subscriber of subscribers) subscriber.deliver(shown);
  }

  private resyncAll(): void {
    for (const subscriber of this.all) subscriber.resync();
  }
}
