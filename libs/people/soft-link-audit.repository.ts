import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { execute, selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { DataSource, type EntityManager } from 'typeorm';

export interface AuditedSchool {
  id: string;
  slug: string;
  schema_name: string;
}

/** A soft link to an account that no longer exists, as the audit finds it. */
export interface OrphanRow {
  /** `profile`: a profile's user_id; `assignment`: a user_roles row; `membership`: public.school_memberships. */
  kind: 'profile' | 'assignment' | 'membership';
  /** The profile id, the role id, or the school's id. */
  id: string;
  user_id: string;
}

/**
 * The audit's queries, run as the owner account (it reads every school's schema by its
 * qualified name, with no tenant transaction): from the CLI, never on a request path.
 */
@Injectable()
export class SoftLinkAuditRepository {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  schools(slugs?: string[]): Promise<AuditedSchool[]> {
    return selectRows<AuditedSchool>(
      this.owner.manager,
      `SELECT id, slug, schema_name FROM public.organizations
        WHERE ($1::text[] IS NULL OR slug = ANY($1::text[])) ORDER BY slug`,
      [slugs ?? null],
    );
  }

  /** Profiles without an account (not yet activated), by name. */
  unlinkedProfiles(
    school: AuditedSchool,
  ): Promise<Array<{ id: string; kind: string; name: string }>> {
    return selectRows(
      this.owner.manager,
      `SELECT id, kind, first_name || ' ' || last_name AS name
         FROM ${quoteIdentifier(school.schema_name)}.profiles
        WHERE user_id IS NULL ORDER BY last_name, first_name`,
    );
  }

  /** One school's audit in a transaction of its own. */
  inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.owner.transaction(work);
  }

  orphansOf(manager: EntityManager, school: AuditedSchool): Promise<OrphanRow[]> {
    const schema = quoteIdentifier(school.schema_name);
    return selectRows<OrphanRow>(
      manager,
      `SELECT 'profile' AS kind, p.id, p.user_id FROM ${schema}.profiles p
        WHERE p.user_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = p.user_id)
       UNION ALL
       SELECT 'assignment', ur.role_id, ur.user_id FROM ${schema}.user_roles ur
        WHERE NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = ur.user_id)
       UNION ALL
       SELECT 'membership', m.organization_id, m.user_id FROM public.school_memberships m
        WHERE m.organization_id = $1
          AND NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = m.user_id)`,
      [school.id],
    );
  }

  async deleteMemberships(
    manager: EntityManager,
    school: AuditedSchool,
    userIds: readonly string[],
  ): Promise<void> {
    await execute(
      manager,
      `DELETE FROM public.school_memberships WHERE organization_id = $1 AND user_id = ANY($2::uuid[])`,
      [school.id, [...userIds]],
    );
  }
}
