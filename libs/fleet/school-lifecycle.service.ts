import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { recordPlatformEvent } from '@schoolyard/audit';
import { AppError } from '@schoolyard/common';
import {
  DATABASE_URLS,
  type DatabaseUrls,
  OWNER_DATA_SOURCE,
  type OrganizationStatus,
} from '@schoolyard/database';
import { DataSource } from 'typeorm';
import { roleNameFor, type School, schemaNameFor } from '@schoolyard/tenancy';
import { type SchoolListing, SchoolRegistryStore } from './school-registry.store';
import { SchoolSchemaStore } from './school-schema.store';
import { TenantMigrator } from './tenant-migrator.service';

export { type SchoolListing } from './school-registry.store';

export interface StatusChange {
  slug: string;
  from: OrganizationStatus;
  to: OrganizationStatus;
  /** Migrations applied on the way back (a school is never served behind the code). */
  migrated: string[];
}

export interface DroppedSchool {
  slug: string;
  schema: string;
  role: string;
  domains: number;
  memberships: number;
}

const LIFECYCLE_ACTIONS: Record<OrganizationStatus, string> = {
  active: 'school.resumed',
  suspended: 'school.suspended',
  archived: 'school.archived',
};

const unknownSchool = (slug: string) =>
  new AppError(HttpStatus.NOT_FOUND, 'SCHOOL_NOT_FOUND', `No school has the slug "${slug}"`);

/**
 * A school's life after registration: suspended (billing or abuse: no access, back at once),
 * archived (left the platform: no access, data kept), dropped (gone, but the people's global
 * accounts stay). Access is blocked by the status alone; the host cache hears of every change
 * through the registry's NOTIFY trigger, so no instance serves a school after it is blocked.
 */
@Injectable()
export class SchoolLifecycle {
  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    private readonly migrator: TenantMigrator,
    private readonly registry: SchoolRegistryStore,
    private readonly schemas: SchoolSchemaStore,
  ) {}

  list(status?: OrganizationStatus): Promise<SchoolListing[]> {
    return this.registry.listSchools(status ?? null);
  }

  /** `actor` names who asked, for the platform audit trail: `cli:<operating-system user>`. */
  suspend(slug: string, actor: string): Promise<StatusChange> {
    return this.setStatus(slug, 'suspended', actor);
  }

  archive(slug: string, actor: string): Promise<StatusChange> {
    return this.setStatus(slug, 'archived', actor);
  }

  /**
   * Back to active. An archived school was skipped by fleet migrations, so it is brought up to
   * date first; if that fails it stays blocked and the error says why.
   */
  async resume(slug: string, actor: string): Promise<StatusChange> {
    const school = await this.bySlug(slug);
    let migrated: string[] = [];
    if (school.status !== 'active') {
      const [pending] = await this.migrator.pendingSchools([slug], { includeArchived: true });
      if (pending) {
        const outcome = await this.migrator.migrateSchool(pending, {
          includeArchived: true,
          actor,
        });
        if (outcome.status === 'failed') {
          throw new AppError(
            HttpStatus.CONFLICT,
            'MIGRATION_FAILED',
            `"${slug}" could not be brought up to date, so it stays ${school.status}: ${outcome.error}`,
          );
        }
        if (outcome.status === 'migrated') migrated = outcome.applied;
      }
    }
    return { ...(await this.setStatus(slug, 'active', actor, migrated)), migrated };
  }

  /**
   * The change and its audit entry commit together. A school already at `to` is left alone and
   * leaves no entry: nothing happened to it.
   */
  private async setStatus(
    slug: string,
    to: OrganizationStatus,
    actor: string,
    migrated: string[] = [],
  ): Promise<StatusChange> {
    const from = await this.owner.transaction(async (manager) => {
      const previous = await this.registry.changeStatus(manager, slug, to);
      if (previous === undefined) throw unknownSchool(slug);
      if (previous.from !== to) {
        await recordPlatformEvent(manager, {
          actor,
          action: LIFECYCLE_ACTIONS[to],
          organizationId: previous.id,
          schoolSlug: slug,
          details: { from: previous.from, to, ...(migrated.length ? { migrated } : {}) },
        });
      }
      return previous.from;
    });
    return { slug, from, to, migrated: [] };
  }

  /**
   * Removes the school for good in one transaction: schema with every table, its database
   * role, domains, ledger row, memberships and sessions (the last three by cascade). Global
   * accounts stay: a person may belong to other schools. Only an archived school can be
   * dropped, so a slip of the keyboard cannot delete a school that is in use.
   */
  async drop(slug: string, confirmation: string, actor: string): Promise<DroppedSchool> {
    if (confirmation !== slug) {
      throw new AppError(
        HttpStatus.BAD_REQUEST,
        'CONFIRMATION_MISMATCH',
        `Dropping deletes every record of the school: confirm with --confirm ${slug}`,
      );
    }
    const runner = this.owner.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const school = await this.registry.findSchoolBySlug(slug, {
        manager: runner.manager,
        mode: 'FOR UPDATE',
      });
      if (!school) throw unknownSchool(slug);
      if (school.status !== 'archived') {
        throw new AppError(
          HttpStatus.CONFLICT,
          'SCHOOL_NOT_ARCHIVED',
          `"${slug}" is ${school.status}: archive it first (tenants archive ${slug})`,
        );
      }
      // The names come from the registry: check they are the ones this slug makes, so a
      // damaged row can never point the DROP at another schema or role.
      if (
        school.schemaName !== schemaNameFor(slug) ||
        school.dbRole !== roleNameFor(slug, this.urls.databaseTag)
      ) {
        throw new AppError(
          HttpStatus.CONFLICT,
          'REGISTRY_MISMATCH',
          `"${slug}" names schema ${school.schemaName} and role ${school.dbRole}, not the ones its slug makes: not dropping`,
        );
      }
      // Waits for a fleet migration working on this school to finish.
      await this.schemas.lockSchool(runner.manager, school.id);
      const counts = await this.registry.countDependents(runner.manager, school.id);
      await this.schemas.dropSchema(runner.manager, school);
      await this.registry.forgetTemporaryPasswords(runner.manager, school.id);
      await this.registry.deleteSchool(runner.manager, school.id);
      // The organization row is gone; its id stays in the entry (no foreign key) to match
      // the entries written while it lived.
      await recordPlatformEvent(runner.manager, {
        actor,
        action: 'school.dropped',
        organizationId: school.id,
        schoolSlug: slug,
        details: { schema: school.schemaName, role: school.dbRole, ...counts },
      });
      await runner.commitTransaction();
      return {
        slug,
        schema: school.schemaName,
        role: school.dbRole,
        domains: counts.domains,
        memberships: counts.memberships,
      };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The school a maintainer names on the command line. */
  async bySlug(slug: string): Promise<School> {
    const school = await this.registry.findSchoolBySlug(slug);
    if (!school) throw unknownSchool(slug);
    return school;
  }
}
