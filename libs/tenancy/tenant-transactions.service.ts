import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { requestStore, type SchoolyardStore } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  adoptOpenTransaction,
  PG_IN_FAILED_TRANSACTION,
  pgErrorOf,
  releaseRunner as release,
  RequestPool,
} from '@schoolyard/database';
import { Metrics } from '@schoolyard/metrics';
import { ClsService } from 'nestjs-cls';
import { type PoolClient } from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { DeferredOpening } from './deferred-opening';
import { PoolShares } from './pool-shares';
import {
  COMMIT_TENANT_TRANSACTION,
  commitTenantTransaction,
  rollbackTenantTransaction,
} from './session-reset';
import { type School } from './school';
import { connectForSchool } from './school-connection';
import { identifierLiteral, quoteIdentifier } from './school-naming';
import { type OpenTransaction, TenantContext } from './tenant-context';

declare module '@schoolyard/common' {
  interface SchoolyardStore {
    /** The schools whose share of the pool this async context holds a place in. */
    poolShares?: ReadonlySet<string>;
  }
}

/**
 * BEGIN and every setting travel as ONE message: no parameters are needed because the
 * names were validated and quoted when the school was made. Everything is transaction-scoped
 * (`set_config(..., true)`), so COMMIT or ROLLBACK returns the connection clean, whatever
 * happened, and it works behind PgBouncer in transaction mode (invariant 2); what SQL in the
 * transaction could leave at session level is reset as it ends (see session-reset.ts).
 *
 * `pg_temp` is named last: left out, PostgreSQL searches it FIRST, and a temporary table
 * left on a pooled connection would stand in for the school's own table of the same name.
 */
export function openTenantTransactionSql(
  school: School,
  statementTimeoutMs: number,
  audit: AuditSettings = {},
): string {
  // quoteIdentifier validates the name, so the quoted form holds no single quote.
  return (
    `BEGIN; SELECT set_config('search_path', '${quoteIdentifier(school.schemaName)}, pg_temp', true), ` +
    `set_config('role', ${identifierLiteral(school.dbRole)}, true), ` +
    `set_config('statement_timeout', '${Math.trunc(statementTimeoutMs)}', true), ` +
    `set_config('schoolyard.actor', '${auditValue(audit.actor, UUID)}', true), ` +
    `set_config('schoolyard.request_id', '${auditValue(audit.requestId, REQUEST_ID)}', true), ` +
    `set_config('schoolyard.client', '${auditValue(audit.client, ADDRESS)}', true)`
  );
}

/** Who acts, for the audit trigger: read from the request's store. */
export interface AuditSettings {
  actor?: string;
  requestId?: string;
  client?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,160}$/;
const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;

/**
 * The opening message has no parameters (it is one simple-protocol message), so a value goes
 * in only when it matches a shape that cannot hold a quote; anything else is recorded as
 * unknown (''), never spliced.
 */
function auditValue(value: string | undefined, shape: RegExp): string {
  return value !== undefined && shape.test(value) ? value : '';
}

@Injectable()
export class TenantTransactions {
  private readonly statementTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  /** The request pool's last failure to connect, cleared by its next success. */
  private lastConnectFailure: { at: number; error: unknown } | undefined;
  readonly shares: PoolShares;

  constructor(
    @InjectDataSource() private readonly requests: DataSource,
    private readonly cls: ClsService<SchoolyardStore>,
    private readonly tenant: TenantContext,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly pool: RequestPool,
    metrics: Metrics,
  ) {
    this.statementTimeoutMs = config.pool.statementTimeoutMs;
    this.connectTimeoutMs = config.pool.connectTimeoutMs;
    this.shares = new PoolShares(config.pool.schoolShare, config.pool.connectTimeoutMs, (s, o) =>
      metrics.shareWaited(s, o),
    );
  }

  /**
   * Runs `work` in one transaction on one pooled connection switched into `school`'s schema
   * and role; commits when it resolves, rolls back when it throws. The transaction begins
   * with the work's first query, so work that runs none costs no round trip.
   */
  run<T>(school: School, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.inChildContext(async () => {
      // inChildContext made this context, so there is a store.
      const store = requestStore(this.cls) as SchoolyardStore;
      const held = store.poolShares;
      // A transaction opened inside another of the same school's (an access lookup inside a
      // handler) does not wait for a second place: every place could be held by a request
      // waiting for another. (It still takes a second pool connection.)
      if (held?.has(school.id)) return this.inTransaction(school, work);
      const leave = await this.enterShare(school);
      store.poolShares = new Set([...(held ?? []), school.id]);
      try {
        return await this.inTransaction(school, work);
      } finally {
        store.poolShares = held;
        leave();
      }
    });
  }

  /**
   * A context of its own for the transaction, inheriting the caller's values (a shallow copy:
   * every field holds one value), so that a platform transaction run from a
   * school's request leaves the caller in its school's context.
   */
  private inChildContext<T>(work: () => Promise<T>): Promise<T> {
    const parent = (requestStore(this.cls) ?? {}) as Record<PropertyKey, unknown>;
    const store: Record<PropertyKey, unknown> = {};
    // Reflect.ownKeys: nestjs-cls keeps its own entries (the request id) under symbols.
    for (const key of Reflect.ownKeys(parent)) store[key] = parent[key];
    return this.cls.runWith(store as SchoolyardStore, work);
  }

  /**
   * While the database does not answer, the school's places are held by requests waiting
   * for a connection, and those queued behind them would hear "school busy". The database is
   * the cause: answer with its error, as the requests holding the places will.
   */
  private async enterShare(school: School): Promise<() => void> {
    try {
      return await this.shares.enter(school.id);
    } catch (error) {
      const failed = this.lastConnectFailure;
      if (failed && Date.now() - failed.at < this.connectTimeoutMs * 2) throw failed.error;
      throw error;
    }
  }

  private auditSettings(): AuditSettings {
    const store = requestStore(this.cls);
    return {
      actor: store?.auditActor,
      requestId: store?.requestId,
      client: store?.clientAddress,
    };
  }

  private async inTransaction<T>(
    school: School,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    const runner = this.requests.createQueryRunner();
    let client: PoolClient;
    try {
      // A connection that has served this school before, where one is free (AffinityPool).
      client = await connectForSchool(runner, this.pool, school);
      this.lastConnectFailure = undefined;
    } catch (error) {
      this.lastConnectFailure = { at: Date.now(), error };
      await release(runner, error);
      throw error;
    }
    // When the server drops the connection mid-request (a restart, pg_terminate_backend),
    // TypeORM releases the runner at once and the handler's next query fails with "already
    // released": remember the real cause, so the caller hears "database unavailable" (503).
    let lost: unknown;
    const onLost = (error: unknown) => (lost ??= error);
    client.on('error', onLost);
    try {
      return await this.runAndCommit(school, runner, client, work, () => lost);
    } finally {
      client.off('error', onLost);
    }
  }

  private async runAndCommit<T>(
    school: School,
    runner: QueryRunner,
    client: PoolClient,
    work: (manager: EntityManager) => Promise<T>,
    lostConnection: () => unknown,
  ): Promise<T> {
    // BEGIN and the settings ride with the work's first query, COMMIT with its last when the
    // work names it (see DeferredOpening).
    const opening = new DeferredOpening(
      client,
      openTenantTransactionSql(school, this.statementTimeoutMs, this.auditSettings()),
      COMMIT_TENANT_TRANSACTION,
    );
    adoptOpenTransaction(runner);
    const transaction: OpenTransaction = {
      manager: runner.manager,
      afterCommit: [],
      closeWith: (sql) => opening.closeWith(sql),
    };
    this.tenant.enter(school);
    this.tenant.enterTransaction(transaction);
    let result: T;
    try {
      result = await work(runner.manager);
      await opening.confirm();
    } catch (error) {
      this.tenant.enterTransaction(undefined);
      opening.restore();
      if (!opening.sent) {
        await release(runner);
        throw lostConnection() ?? error;
      }
      // A failed opening explains whatever the work saw after it.
      const cause = await opening.confirm().then(
        () => error,
        (openingError: unknown) => openingError,
      );
      // A COMMIT sent with the final statement may have landed before the work failed: the
      // rollback then finds no transaction (a warning, not an error) and still resets.
      await opening.confirmClosed().catch(() => undefined);
      await rollbackTenantTransaction(client).then(
        () => release(runner),
        (rollbackError: unknown) => release(runner, rollbackError),
      );
      throw lostConnection() ?? cause;
    }
    this.tenant.enterTransaction(undefined);
    opening.restore();
    if (opening.sent) {
      try {
        const committed = opening.closedWithFinalStatement
          ? opening.confirmClosed()
          : commitTenantTransaction(client);
        await committed.catch((error: unknown) => {
          // Work that caught a database error and returned has nothing to commit: a bare COMMIT
          // rolled back and said so quietly, but the statement before it in the message
          // fails. (The connection's transaction status cannot tell first: pg hands the error
          // over before the server's "ready" that carries it.)
          if (pgErrorOf(error)?.code !== PG_IN_FAILED_TRANSACTION) throw error;
          return rollbackTenantTransaction(client);
        });
      } catch (error) {
        await release(runner, error);
        throw lostConnection() ?? error;
      }
    }
    await release(runner);
    for (const callback of transaction.afterCommit) callback();
    return result;
  }
}
