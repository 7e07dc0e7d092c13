import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { Redis } from 'ioredis';

/** How long a limit may wait for Redis before the instance's memory answers instead. */
const COMMAND_TIMEOUT_MS = 250;

/**
 * The one Redis connection of an instance, when REDIS_URL is set: rate limits and sign-in
 * throttles count there so that N instances allow a limit once, not N times. Without it,
 * `redis` is undefined and every limit counts in this instance's memory.
 *
 * A command issued while the connection is down fails at once instead of queueing
 * (enableOfflineQueue off), so a limit falls back to memory without a request waiting for
 * a reconnect; ioredis keeps reconnecting in the background and the limits are shared again
 * as soon as it is back.
 */
@Injectable()
export class SharedState implements OnModuleDestroy {
  readonly redis: Redis | undefined;
  private readonly log = new Logger('SharedState');
  private reported: 'up' | 'down' | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.redisUrl === undefined) return;
    this.redis = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      // Commands of concurrent requests issued in one tick go out in one write.
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Without a listener ioredis prints every failed reconnect; one line per change is enough.
    this.redis.on('error', (error: Error) => this.report('down', error.message));
    this.redis.on('ready', () => this.report('up', 'connected'));
  }

  /** Whether limits are shared: Redis is configured and connected now. */
  get up(): boolean {
    return this.redis === undefined || this.redis.status === 'ready';
  }

  /** Answers whether Redis replies within the command timeout (true when none is configured). */
  async reachable(): Promise<boolean> {
    if (this.redis === undefined) return true;
    if (this.redis.status !== 'ready') return false;
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  onModuleDestroy(): void {
    // disconnect, not quit: quit waits for a server that may be the one that went away.
    this.redis?.disconnect();
  }

  private report(state: 'up' | 'down', detail: string): void {
    if (this.reported === state) return;
    this.reported = state;
    if (state === 'down') {
      this.log.warn(`Redis unreachable (${detail}): limits count in this instance's memory`);
    } else {
      this.log.log('Redis connected: limits are shared between instances');
    }
  }
}
