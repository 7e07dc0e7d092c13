import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DataSource } from 'typeorm';

/** Requests per minute for a whole school and for one client address within it. */
export interface SchoolLimits {
  schoolPerMinute: number;
  clientPerMinute: number;
}

interface Entry {
  limits: SchoolLimits;
  expiresAt: number;
}

const MAX_ENTRIES = 50_000;
/** After a failed look-up the fallback is kept this long, so a down database is not asked per request. */
const FAILED_LOOKUP_TTL_MS = 5_000;

/**
 * Each school's limits, from the plan of its subscription, remembered for the school-cache
 * TTL: a plan changes rarely, and the limit only needs to be right within a minute. If the
 * plan cannot be read the configured fallback applies: a rate limit must never turn a
 * database hiccup into refused requests of its own.
 */
@Injectable()
export class SchoolRateLimits {
  private readonly logger = new Logger(SchoolRateLimits.name);
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<SchoolLimits>>();
  private readonly ttlMs: number;
  private readonly fallback: SchoolLimits;

  constructor(
    @InjectDataSource() private readonly requests: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.schoolCacheTtlSeconds * 1000;
    this.fallback = {
      schoolPerMinute: config.rateLimits.fallbackSchoolPerMinute,
      clientPerMinute: config.rateLimits.fallbackClientPerMinute,
    };
  }

  forSchool(schoolId: string): Promise<SchoolLimits> | SchoolLimits {
    const cached = this.entries.get(schoolId);
    if (cached && cached.expiresAt > Date.now()) return cached.limits;
    let pending = this.inFlight.get(schoolId);
    if (!pending) {
      pending = this.load(schoolId).finally(() => this.inFlight.delete(schoolId));
      this.inFlight.set(schoolId, pending);
    }
    return pending;
  }

  private async load(schoolId: string): Promise<SchoolLimits> {
    let limits = this.fallback;
    let ttlMs = this.ttlMs;
    try {
      const rows: Array<{ school: number; client: number }> = await this.requests.query(
        `SELECT p.requests_per_minute AS school, p.client_requests_per_minute AS client
           FROM public.subscriptions s JOIN public.plans p ON p.code = s.plan_code
          WHERE s.organization_id = $1`,
        [schoolId],
      );
      if (rows[0]) limits = { schoolPerMinute: rows[0].school, clientPerMinute: rows[0].client };
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read a school plan; fallback rate limits apply');
      ttlMs = Math.min(ttlMs, FAILED_LOOKUP_TTL_MS);
    }
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(schoolId, { limits, expiresAt: Date.now() + ttlMs });
    return limits;
  }
}
