import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type UnverifiedSchool, UnverifiedSchoolsStore } from './unverified-schools.store';

export { type UnverifiedSchool } from './unverified-schools.store';

export interface UnverifiedSuspension {
  /** UNVERIFIED_SCHOOL_SUSPEND_DAYS in force; 0 means the rule is off and nothing was done. */
  days: number;
  dryRun: boolean;
  /** Schools past the grace period (suspended unless this was a dry run). */
  due: UnverifiedSchool[];
  suspended: string[];
}

/**
 * Schools no registering owner has verified (see UnverifiedSchoolsStore for the rule): anyone
 * can register with any address, so after a grace period such a school is suspended.
 */
@Injectable()
export class UnverifiedSchools {
  constructor(
    private readonly store: UnverifiedSchoolsStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every unverified school, oldest first; `olderThanDays` keeps those past that age. */
  list(olderThanDays = 0): Promise<UnverifiedSchool[]> {
    return this.store.listUnverified(olderThanDays);
  }

  /**
   * Suspends every active school whose owner has not verified within the grace period, one
   * school at a time: a school whose owner verifies meanwhile is left alone. Safe to run as
   * often as wanted (the lead's scheduled job, or `tenants suspend-unverified`).
   */
  async suspendOverdue(
    options: { dryRun?: boolean; onSuspended?: (slug: string) => void } = {},
  ): Promise<UnverifiedSuspension> {
    const days = this.config.accounts.unverifiedSchoolSuspendDays;
    const dryRun = options.dryRun ?? false;
    if (days === 0) return { days, dryRun, due: [], suspended: [] };
    const due = (await this.list(days)).filter((school) => school.status === 'active');
    const suspended: string[] = [];
    if (dryRun) return { days, dryRun, due, suspended };
    for (const school of due) {
      if (await this.store.suspendIfStillUnverified(school.slug)) {
        suspended.push(school.slug);
        options.onSuspended?.(school.slug);
      }
    }
    return { days, dryRun, due, suspended };
  }
}
