import { Injectable } from '@nestjs/common';
import { Client, defaults, type PoolClient, types } from 'pg';
import { AffinityPool, type AffinityPoolOptions } from './affinity-pool';

/**
 * The request pool, for work that picks its connection by school (tenant transactions). The
 * request DataSource owns the pool (it creates it on initialize, queries through it, ends it
 * on close), so DB_POOL_SIZE stays the whole of it; this is how the rest of the app reaches it.
 */
@Injectable()
export class RequestPool {
  private pool: AffinityPool | undefined;

  /** A connection for work of `key` (a schema: its catalog caches), with `release` on it. */
  acquire(key?: string): Promise<PoolClient> {
    if (!this.pool) return Promise.reject(new Error('The request pool is not open yet'));
    return this.pool.acquire(key);
  }

  /** Connections open, idle, and transactions waiting for one; read when metrics are scraped. */
  stats(): { max: number; open: number; idle: number; waiting: number } | undefined {
    const pool = this.pool;
    if (!pool) return undefined;
    return {
      max: pool.options.max ?? 10,
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    };
  }

  /**
   * What TypeORM's `driver` option takes in place of the pg module: pg itself, whose pools
   * are affinity pools reported to this object.
   */
  asDriver(): unknown {
    const register = (pool: AffinityPool) => (this.pool = pool);
    class RequestAffinityPool extends AffinityPool {
      constructor(options: AffinityPoolOptions) {
        super(options);
        register(this);
      }
    }
    return { Pool: RequestAffinityPool, Client, defaults, types };
  }
}
