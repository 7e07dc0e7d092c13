import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RequestHistogram } from './request-histogram';

/** Why a sign-in was refused; an unknown name and a wrong password are one reason on purpose. */
export type SignInFailure = 'invalid_credentials' | 'throttled';

/** Seconds; requests are mostly a few milliseconds, sign-ins and registrations hundreds. */
const REQUEST_BUCKETS = [0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A share wait ends by the pool's connect timeout (5 s by default). */
const WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A value read when Prometheus scrapes: one row per label set. */
export type Sample<L extends string> = { labels: Partial<Record<L, string>>; value: number };

/**
 * The process's metrics, in a registry of its own (two applications in one process, as in the
 * tests, each keep theirs). No metric is labelled by school, host or person: with thousands of
 * schools such a label would make a series per school. Labels take values from short fixed
 * sets (route templates, status codes, reasons, queue names, ledger states).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new RequestHistogram(
    'schoolyard_http_request_duration_seconds',
    'Time from the request arriving to the answer sent, by route template, method and status',
    REQUEST_BUCKETS,
    this.registry,
  );
  private readonly signIns = new Counter({
    name: 'schoolyard_sign_in_failures_total',
    help: 'Refused sign-ins, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'schoolyard_rate_limit_refusals_total',
    help: 'Requests refused with 429 by a rate limit, by the limit that refused them',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  private readonly shareWaits = new Histogram({
    name: 'schoolyard_pool_share_wait_seconds',
    help: "Waits for a place in a school's share of the request pool, by outcome",
    labelNames: ['outcome'] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });

  /** Called from the response hook: `route` is the route's template, never the raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.observe(
      `${method} ${status} ${route}`,
      () => ({ method, route, status: String(status) }),
      seconds,
    );
  }

  signInFailed(reason: SignInFailure): void {
    this.signIns.inc({ reason });
  }

  /** `limit` names the bucket (client, school, anonymous, platform, registration-...). */
  rateLimited(limit: string): void {
    this.refusals.inc({ limit });
  }

  /** A request that queued behind its own school's share, and how its wait ended. */
  shareWaited(seconds: number, outcome: 'admitted' | 'timed_out'): void {
    this.shareWaits.observe({ outcome }, seconds);
  }

  /**
   * A gauge read at scrape time. `read` may query the database: callers cache (see the
   * scrape-time collectors in apps/api), so a scrape costs at most one query per source.
   */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Promise<Array<Sample<L>>> | Array<Sample<L>>,
  ): void {
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const samples = await read();
        this.reset();
        for (const sample of samples) this.set(sample.labels, sample.value);
      },
    });
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
