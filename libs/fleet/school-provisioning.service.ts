import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppError } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import {
  DATABASE_URLS,
  type DatabaseUrls,
  isUniqueViolation,
  OWNER_DATA_SOURCE,
  OwnerConnections,
} from '@schoolyard/database';
import { DataSource, type EntityManager } from 'typeorm';
import {
  checkSubdomain,
  roleNameFor,
  type School,
  SchoolDirectory,
  schemaNameFor,
} from '@schoolyard/tenancy';
import { SchoolRegistryStore } from './school-registry.store';
import { SchoolSchemaStore } from './school-schema.store';
import { TenantMigrator } from './tenant-migrator.service';

export interface NewSchool {
  subdomain: string;
  name: string;
}

export interface ProvisionedSchool<T> {
  school: School;
  host: string;
  createdAt: Date;
  seeded: T;
}

/** Work that must land with the school or not at all (its owner account, its settings). */
export type SchoolSeeder<T> = (manager: EntityManager, school: School) => Promise<T>;

export const subdomainTaken = (subdomain: string) =>
  new AppError(HttpStatus.CONFLICT, 'SUBDOMAIN_TAKEN', `The subdomain "${subdomain}" is taken`, {
    field: 'subdomain',
  });

export const subdomainRefused = (message: string) =>
  new AppError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is not valid', [
    { field: 'subdomain', problems: [`subdomain ${message}`] },
  ]);

/**
 * Makes a school in ONE transaction of the owner account: registry row, domain, role,
 * schema, every tenant migration, seeded rows and ledger entry appear together or not at
 * all (invariant 4). Tables are built by replaying DDL, which costs the same at school
 * 2,000 as at school 1; privileges come from default privileges set before the tables
 * exist, so no statement scans the catalog.
 */
@Injectable()
export class SchoolProvisioning {
  constructor(
    @InjectDataSource(OWNER_DATA_SOURCE) private readonly owner: DataSource,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly migrator: TenantMigrator,
    private readonly directory: SchoolDirectory,
    private readonly connections: OwnerConnections,
    private readonly registry: SchoolRegistryStore,
    private readonly schemas: SchoolSchemaStore,
  ) {}

  hostFor(subdomain: string): string {
    return `${subdomain}.${this.config.baseDomain}`;
  }

  async provision<T>(spec: NewSchool, seed: SchoolSeeder<T>): Promise<ProvisionedSchool<T>> {
    const check = checkSubdomain(spec.subdomain);
    if (!check.ok) throw subdomainRefused(check.message ?? 'is not allowed');
    const schemaName = schemaNameFor(spec.subdomain);
    const dbRole = roleNameFor(spec.subdomain, this.urls.databaseTag);
    const host = this.hostFor(spec.subdomain);

    const runner = this.owner.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const inserted = await this.registry.insertSchool(runner.manager, {
        slug: spec.subdomain,
        name: spec.name,
        schemaName,
        dbRole,
      });
      const school: School = {
        id: inserted.id,
        slug: spec.subdomain,
        name: spec.name,
        status: 'active',
        schemaName,
        dbRole,
      };
      await this.registry.insertPrimaryDomain(runner.manager, host, school.id);
      await this.schemas.createSchema(runner.manager, {
        schemaName,
        dbRole,
        apiRole: this.urls.apiRole,
      });
      await this.migrator.applyPending(runner);
      const seeded = await seed(runner.manager, school);
      await this.migrator.ledger.record(runner.manager, school.id, 'current', null);
      await runner.commitTransaction();
      this.directory.forgetHost(host);
      return { school, host, createdAt: inserted.createdAt, seeded };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (isUniqueViolation(error, 'organizations_slug_key')) throw subdomainTaken(spec.subdomain);
      throw error;
    } finally {
      await this.connections.releaseAfterSchool(runner);
    }
  }

  isSubdomainTaken(subdomain: string): Promise<boolean> {
    return this.registry.isSlugOrHostTaken(subdomain, this.hostFor(subdomain));
  }
}
