import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { quoteIdentifier } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';

export interface OrphanFinding {
  school: string;
  /** `profile`: a profile's user_id; `assignment`: a user_roles row; `membership`: public.school_memberships. */
  kind: 'profile' | 'assignment' | 'membership';
  /** The profile id, the role id, or the school's id. */
  id: string;
  userId: string;
}

export interface OrphanReport {
  schoolsChecked: number;
  orphans: OrphanFinding[];
  fixed: boolean;
}

export interface UnlinkedProfile {
  school: string;
  profileId: string;
  kind: string;
  name: string;
}

interface SchoolRow {
  id: string;
  slug: string;
  schema_name: string;
}

/**
 * The safety net under soft links (the account cascade is the plan): soft links that point
 * at no global account, found school by school with the owner account, each school in its
 * own transaction when fixing. Runs from the CLI, never on a request path.
 */
@Injectable()
export class SoftLinkAudit {
  constructor(@InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource) {}

  async orphans(options: {
    fix: boolean;
    slugs?: string[];
    concurrency?: number;
    onSchool?: (done: number, total: number) => void;
  }): Promise<OrphanReport> {
    const schools = await this.schools(options.slugs);
    const orphans: OrphanFinding[] = [];
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < schools.length) {
        const school = schools[next++];
        orphans.push(...(await this.auditSchool(school, options.fix)));
        options.onSchool?.(++done, schools.length);
      }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? 4, schools.length));
    await Promise.all(Array.from({ length: workers }, worker));
    orphans.sort((a, b) => a.school.localeCompare(b.school) || a.kind.localeCompare(b.kind));
    return { schoolsChecked: schools.length, orphans, fixed: options.fix };
  }

  /** Profiles without an account (not yet activated). */
  async unlinked(slugs?: string[]): Promise<UnlinkedProfile[]> {
    const found: UnlinkedProfile[] = [];
    for (const school of await this.schools(slugs)) {
      const rows: Array<{ id: string; kind: string; name: string }> = await this.owner.query(
        `SELECT id, kind, first_name || ' ' || last_name AS name
           FROM ${quoteIdentifier(school.schema_name)}.profiles
          WHERE user_id IS NULL ORDER BY last_name, first_name`,
      );
      found.push(
        ...rows.map((row) => ({
          school: school.slug,
          profileId: row.id,
          kind: row.kind,
          name: row.name,
        })),
      );
    }
    return found;
  }

  private schools(slugs?: string[]): Promise<SchoolRow[]> {
    return this.owner.query(
      `SELECT id, slug, schema_name FROM public.organizations
        WHERE ($1::text[] IS NULL OR slug = ANY($1::text[])) ORDER BY slug`,
      [slugs ?? null],
    );
  }

  private async auditSchool(school: SchoolRow, fix: boolean): Promise<OrphanFinding[]> {
    const schema = quoteIdentifier(school.schema_name);
    const runner = this.owner.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows: Array<{ kind: OrphanFinding['kind']; id: string; user_id: string }> =
        await runner.query(
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
      if (fix && rows.length) {
        const users = [...new Set(rows.map((row) => row.user_id))];
        await runner.query(
          `UPDATE ${schema}.profiles SET user_id = NULL, updated_at = now() WHERE user_id = ANY($1::uuid[])`,
          [users],
        );
        await runner.query(`DELETE FROM ${schema}.user_roles WHERE user_id = ANY($1::uuid[])`, [
          users,
        ]);
        await runner.query(
          `DELETE FROM public.school_memberships WHERE organization_id = $1 AND user_id = ANY($2::uuid[])`,
          [school.id, users],
        );
      }
      await runner.commitTransaction();
      return rows.map((row) => ({
        school: school.slug,
        kind: row.kind,
        id: row.id,
        userId: row.user_id,
      }));
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
