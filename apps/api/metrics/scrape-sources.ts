import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RequestPool } from '@schoolyard/database';
import { FleetLedger } from '@schoolyard/fleet';
import { Metrics, type Sample } from '@schoolyard/metrics';
import { TenantTransactions } from '@schoolyard/tenancy';
import { JobStatsStore } from './job-stats.store';

/** Database-backed values are read at most this often, however often Prometheus scrapes. */
const DATABASE_READ_TTL_MS = 5_000;

/** pg-boss job states that have not finished: what "queue depth" means here. */
const WAITING_STATES = new Set(['created', 'retry']);

/**
 * Remembers `load`'s answer for `ttlMs` and shares one load between scrapes that overlap. A
 * failed read answers nothing (those series drop out of that scrape) rather than failing the
 * whole scrape: the request and pool metrics matter most when the database is in trouble.
 */
function cached<T>(ttlMs: number, load: () => Promise<T>, onError: (error: unknown) => void) {
  let value: { at: number; result: T | undefined } | undefined;
  let loading: Promise<T | undefined> | undefined;
  return (): Promise<T | undefined> => {
    if (value && performance.now() - value.at < ttlMs) return Promise.resolve(value.result);
    loading ??= load()
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      })
      .then((result) => {
        value = { at: performance.now(), result };
        loading = undefined;
        return result;
      });
    return loading;
  };
}

/**
 * Gauges read when Prometheus scrapes, never on a request's path: the request pool, the
 * per-school share queue (its total only: no school label), pg-boss's queues and the fleet
 * ledger's migration progress.
 */
@Injectable()
export class ScrapeSources implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: Metrics,
    private readonly pool: RequestPool,
    private readonly transactions: TenantTransactions,
    private readonly jobs: JobStatsStore,
    private readonly ledger: FleetLedger,
  ) {}

  onModuleInit(): void {
    const warn = (what: string) => (error: unknown) =>
      this.logger.warn({ err: error }, `metrics: could not read ${what}`);
    this.metrics.gauge(
      'schoolyard_db_pool_connections',
      'Request pool connections: the most it opens, open now, idle now',
      ['state'],
      () => {
        const stats = this.pool.stats();
        if (!stats) return [];
        return [
          { labels: { state: 'max' }, value: stats.max },
          { labels: { state: 'open' }, value: stats.open },
          { labels: { state: 'idle' }, value: stats.idle },
        ];
      },
    );
    this.metrics.gauge(
      'schoolyard_db_pool_waiting',
      'Transactions waiting for a request pool connection now',
      [],
      () => [{ labels: {}, value: this.pool.stats()?.waiting ?? 0 }],
    );
    this.metrics.gauge(
      'schoolyard_pool_share_waiting',
      "Requests waiting now for a place in their school's share of the pool, all schools together",
      [],
      () => [{ labels: {}, value: this.transactions.shares.waiting }],
    );
    const jobCounts = cached(
      DATABASE_READ_TTL_MS,
      () => this.jobs.countsByQueueAndState(),
      warn('job queues'),
    );
    this.metrics.gauge(
      'schoolyard_jobs',
      "Jobs in pg-boss's job table by queue and state (created and retry: waiting; failed: out of retries)",
      ['queue', 'state'],
      async () =>
        ((await jobCounts()) ?? []).map((row) => ({
          labels: { queue: row.queue, state: row.state },
          value: row.jobs,
        })),
    );
    this.metrics.gauge(
      'schoolyard_jobs_waiting',
      'Jobs waiting to run (created or retry), by queue',
      ['queue'],
      async () => {
        const depth = new Map<string, number>();
        for (const row of (await jobCounts()) ?? []) {
          const waiting = WAITING_STATES.has(row.state) ? row.jobs : 0;
          depth.set(row.queue, (depth.get(row.queue) ?? 0) + waiting);
        }
        return [...depth].map(([queue, value]) => ({ labels: { queue }, value }));
      },
    );
    const progress = cached(
      DATABASE_READ_TTL_MS,
      () => this.ledger.progress(),
      warn('the fleet ledger'),
    );
    this.metrics.gauge(
      'schoolyard_fleet_schools',
      "Schools by migration status against this build's release (the fleet ledger)",
      ['status'],
      async (): Promise<Array<Sample<'status'>>> =>
        Object.entries((await progress()) ?? {}).map(([status, value]) => ({
          labels: { status },
          value,
        })),
    );
  }
}
