import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { OWNER_DATA_SOURCE, type OrganizationStatus } from '@schoolyard/database';
import { DataSource } from 'typeorm';

export interface UnverifiedSchool {
  slug: string;
  name: string;
  status: OrganizationStatus;
  host: string | null;
  /** The registering owner's address as it stands (null once a verified holder took it). */
  ownerEmail: string | null;
  createdAt: Date;
  ageDays: number;
}

export interface UnverifiedSuspension {
  /** UNVERIFIED_SCHOOL_SUSPEND_DAYS in force; 0 means the rule is off and nothing was done. */
  days: number;
  dryRun: boolean;
  /** Schools past the grace period (suspended unless this was a dry run). */
  due: UnverifiedSchool[];
  suspended: string[];
}

/**
 * A school is "unverified" while no account that registered it has proved its email. Anyone
 * can register with any address, so such a school may belong to nobody reachable: after a
 * grace period it is suspended (its data stays; `tenants resume` brings it back).
 *
 * Only memberships made by registration (via = 'registered') count: schools made before
 * verification existed have no such row and are never touched by this rule.
 */
const UNVERIFIED = `
  EXISTS (SELECT 1 FROM public.school_memberships m JOIN public.users u ON u.id = m.user_id
           WHERE m.organization_id = o.id AND m.via = 'registered')
  AND NOT EXISTS (SELECT 1 FROM public.school_memberships m JOIN public.users u ON u.id = m.user_id
                   WHERE m.organization_id = o.id AND m.via = 'registered'
                     AND u.email_verified_at IS NOT NULL)`;

@Injectable()
export class UnverifiedSchools {
  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every unverified school, oldest first; `olderThanDays` keeps those past that age. */
  list(olderThanDays = 0): Promise<UnverifiedSchool[]> {
    return this.owner.query(
      `SELECT o.slug, o.name, o.status, d.host, o.created_at AS "createdAt",
              floor(extract(epoch FROM now() - o.created_at) / 86400)::int AS "ageDays",
              (SELECT u.email FROM public.school_memberships m JOIN public.users u ON u.id = m.user_id
                WHERE m.organization_id = o.id AND m.via = 'registered'
                ORDER BY m.user_id LIMIT 1) AS "ownerEmail"
         FROM public.organizations o
         LEFT JOIN public.domains d ON d.organization_id = o.id AND d.is_primary
        WHERE ${UNVERIFIED} AND o.created_at <= now() - make_interval(days => $1)
        ORDER BY o.created_at, o.slug`,
      [olderThanDays],
    );
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
      // The registry's NOTIFY trigger tells every instance to stop serving the school.
      const changed: Array<{ slug: string }> = await this.owner.query(
        `WITH changed AS (
           UPDATE public.organizations o SET status = 'suspended', updated_at = now()
            WHERE o.slug = $1 AND o.status = 'active' AND ${UNVERIFIED}
           RETURNING o.slug)
         SELECT slug FROM changed`,
        [school.slug],
      );
      if (changed.length) {
        suspended.push(school.slug);
        options.onSuspended?.(school.slug);
      }
    }
    return { days, dryRun, due, suspended };
  }
}
