import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRows } from '@schoolyard/common';
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

/** The registry's unverified schools, as the owner account reads and suspends them. */
@Injectable()
export class UnverifiedSchoolsStore {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  /** Every unverified school at least `olderThanDays` old, oldest first. */
  listUnverified(olderThanDays: number): Promise<UnverifiedSchool[]> {
    return selectRows<UnverifiedSchool>(
      this.owner.manager,
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
   * Suspends the school if it is still active and unverified (its owner may have verified
   * since it was listed); answers whether it did. The registry's NOTIFY trigger tells every
   * instance to stop serving the school.
   */
  async suspendIfStillUnverified(slug: string): Promise<boolean> {
    const changed = await execute(
      this.owner.manager,
      `UPDATE public.organizations o SET status = 'suspended', updated_at = now()
        WHERE o.slug = $1 AND o.status = 'active' AND ${UNVERIFIED}`,
      [slug],
    );
    return changed > 0;
  }
}
