import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { type School } from './school';
import { SchoolDirectoryStore } from './school-directory.store';

interface Entry {
  school: School | null;
  expiresAt: number;
}

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
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<School | null>>();
  private readonly ttlMs: number;

  constructor(
    private readonly store: SchoolDirectoryStore,
    notifications: DatabaseNotifications,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.schoolCacheTtlSeconds * 1000;
    notifications.subscribe(
      'school_directory',
      (payload) => this.onNotification(payload),
      () => this.entries.clear(),
    );
  }

  async findByHost(host: string): Promise<School | null> {
    const cached = this.entries.get(host);
    if (cached && cached.expiresAt > Date.now()) return cached.school;
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
    for (const [host, entry] of this.entries) {
      if (entry.school?.id === schoolId) this.entries.delete(host);
    }
  }

  private async load(host: string): Promise<School | null> {
    const school = await this.store.schoolByHost(host);
    if (this.entries.size >= MAX_ENTRIES) {
      // Hostile Host headers must not grow memory without bound: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(host, { school, expiresAt: Date.now() + this.ttlMs });
    return school;
  }

  private onNotification(payload: string): void {
    if (payload.startsWith('school:')) this.forgetSchool(payload.slice('school:'.length));
    else if (payload.startsWith('host:')) this.forgetHost(payload.slice('host:'.length));
    else if (payload === 'all') this.entries.clear();
  }
}
