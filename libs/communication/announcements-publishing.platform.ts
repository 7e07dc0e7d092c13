import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { selectRows } from '@schoolyard/common';
import { OWNER_DATA_SOURCE } from '@schoolyard/database';
import { PlatformDatabase, quoteIdentifier, type School } from '@schoolyard/tenancy';
import { DataSource } from 'typeorm';

/** Schools examined per statement by the fleet sweep. */
const SWEEP_CHUNK = 200;

/**
 * The platform side of publishing scheduled announcements: the school a job serves (as the
 * platform role) and the sweep's look into every school (as the owner).
 */
@Injectable()
export class AnnouncementsPublishingPlatform {
  constructor(
    private readonly platform: PlatformDatabase,
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
  ) {}

  async school(schoolId: string): Promise<School | undefined> {
    const [school]: School[] = await this.platform.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.organizations o WHERE o.id = $1`,
      [schoolId],
    );
    return school;
  }

  /**
   * Active schools with an announcement due and unpublished: one statement per 200 schools,
   * each school an index probe (`announcements_due_idx`). A school not yet migrated to
   * communication has no such table and is left out.
   */
  async schoolsWithDueAnnouncements(): Promise<string[]> {
    const schools = await selectRows<{ id: string; schema_name: string }>(
      this.owner.manager,
      `SELECT o.id, o.schema_name
         FROM public.organizations o
         JOIN pg_namespace n ON n.nspname = o.schema_name
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'announcements'
        WHERE o.status = 'active'
        ORDER BY o.id`,
    );
    const found: string[] = [];
    for (let start = 0; start < schools.length; start += SWEEP_CHUNK) {
      const chunk = schools.slice(start, start + SWEEP_CHUNK);
      // Schema names come from the registry, checked and quoted by quoteIdentifier.
      const probes = chunk.map(
        (school, i) =>
          `SELECT $${i + 1}::uuid AS id WHERE EXISTS (
             SELECT 1 FROM ${quoteIdentifier(school.schema_name)}.announcements
              WHERE published_at IS NULL AND publish_at <= now()
                AND (expires_at IS NULL OR expires_at > now()))`,
      );
      const rows = await selectRows<{ id: string }>(
        this.owner.manager,
        probes.join(' UNION ALL '),
        chunk.map((school) => school.id),
      );
      found.push(...rows.map((row) => row.id));
    }
    return found;
  }
}
