import { Injectable } from '@nestjs/common';
import {
  type AuditedSchool,
  type OrphanRow,
  SoftLinkAuditRepository,
} from './soft-link-audit.repository';
import { SoftLinksRepository } from './soft-links.repository';

export interface OrphanFinding {
  school: string;
  kind: OrphanRow['kind'];
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

/**
 * The safety net under soft links (the account cascade is the plan): soft links that point
 * at no global account, found school by school with the owner account, each school in its
 * own transaction when fixing. Runs from the CLI, never on a request path.
 */
@Injectable()
export class SoftLinkAudit {
  constructor(
    private readonly audit: SoftLinkAuditRepository,
    private readonly softLinks: SoftLinksRepository,
  ) {}

  async orphans(options: {
    fix: boolean;
    slugs?: string[];
    concurrency?: number;
    onSchool?: (done: number, total: number) => void;
  }): Promise<OrphanReport> {
    const schools = await this.audit.schools(options.slugs);
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
    for (const school of await this.audit.schools(slugs)) {
      const rows = await this.audit.unlinkedProfiles(school);
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

  /** Each school in its own transaction: a fix commits school by school. */
  private async auditSchool(school: AuditedSchool, fix: boolean): Promise<OrphanFinding[]> {
    const rows = await this.audit.inTransaction(async (manager) => {
      const found = await this.audit.orphansOf(manager, school);
      if (fix && found.length) {
        const users = [...new Set(found.map((row) => row.user_id))];
        await this.softLinks.forgetAccounts(manager, users, school.schema_name);
        await this.audit.deleteMemberships(manager, school, users);
      }
      return found;
    });
    return rows.map((row) => ({
      school: school.slug,
      kind: row.kind,
      id: row.id,
      userId: row.user_id,
    }));
  }
}

/** What a module that runs the audit outside PeopleModule (the CLI's) provides for it. */
export const SOFT_LINK_AUDIT_PROVIDERS = [
  SoftLinkAudit,
  SoftLinkAuditRepository,
  SoftLinksRepository,
] as const;
