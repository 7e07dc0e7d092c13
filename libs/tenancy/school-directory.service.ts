import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BoundedCache } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { DataSource } from 'typeorm';
import { type School } from './school';

/** Hostile Host headers must not grow memory without bound (unknown hosts are cached too). */
const MAX_ENTRIES = 50_000;

interface SchoolRow extends Omit<School, 'rateLimits'> {
  /** NULL when the school has no subscription. */
  schoolPerMinute: number | null;
  clientPerMinute: number | null;
}

function schoolOf(row: SchoolRow): School {
  const { schoolPerMinute, clientPerMinute, ...school } = row;
  if (schoolPerMinute === null || clientPerMinute === null) return school;
  return { ...school, rateLimits: { schoolPerMinute, clientPerMinute } };
}

/**
 * Host name → school (with its plan's rate limits), with an in-process cache. Entries are
 * dropped when the database announces a change (a trigger on organizations and domains
 * NOTIFYs every instance, whoever made the change); the TTL only bounds staleness if that
 * channel is down. A change of a school's plan, or of a plan's limits, is announced the same
 * way (migration PlanChangeNotices), so new limits apply at once.
 */
@Injectable()
export class SchoolDirectory {
  private readonly entries: BoundedCache<string, School | null>;
  private readonly inFlight = new Map<string, Promise<School | null>>();

  constructor(
    @InjectDataSource() private readonly requests: DataSource,
    notifications: DatabaseNotifications,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.entries = new BoundedCache({
      maxEntries: MAX_ENTRIES,
      ttlMs: config.schoolCacheTtlSeconds * 1000,
    });
    notifications.subscribe(
      'school_directory',
      (payload) => this.onNotification(payload),
      () => this.entries.clear(),
    );
  }

  async findByHost(host: string): Promise<School | null> {
    const cached = this.entries.get(host);
    if (cached !== undefined) return cached;
    // Many requests for a host that just fell out of the cache share one query.
    let pending = this.inFlight.get(host);
    if (!pending) {
      pending = this.load(host).finally(() => this.inFlight.delete(host));
      this.inFlight.set(host, pending);
    }
    return pending;
  }

  forgetHost(host: string): void {
    this.entries.delete(host);
  }

  forgetSchool(schoolId: string): void {
    this.entries.deleteWhere((school) => school?.id === schoolId);
  }

  private async load(host: string): Promise<School | null> {
    const stamp = this.entries.stamp();
    // The plan's rate limits ride on this query so a school costs one look-up, not two.
    const rows: SchoolRow[] = await this.requests.query('SELECT * FROM public.school_by_host($1)', [
      host,
    ]);
    const school = rows[0] ? schoolOf(rows[0]) : null;
    // Not kept if a change was announced meanwhile: it may be this host's.
    this.entries.set(host, school, stamp);
    return school;
  }

  private onNotification(payload: string): void {
    if (payload.startsWith('school:')) this.forgetSchool(payload.slice('school:'.length));
    else if (payload.startsWith('host:')) this.forgetHost(payload.slice('host:'.length));
    else if (payload === 'all') this.entries.clear();
  }
}
