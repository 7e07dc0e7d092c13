import { Inject, Injectable } from '@nestjs/common';
import { BoundedCache } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { type School } from './school';
import { SchoolDirectoryStore } from './school-directory.store';

/** Hostile Host headers must not grow memory without bound (unknown hosts are cached too). */
const MAX_ENTRIES = 50_000;

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
    private readonly store: SchoolDirectoryStore,
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
    const school = await this.store.schoolByHost(host);
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
