import { Inject, Injectable } from '@nestjs/common';
import { BoundedCache } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { type MemberAccess, type MemberAccessReader } from '@schoolyard/identity';
import { type School, TenantContext, TenantTransactions } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { ALL_PERMISSION_CODES, isPermissionCode, type PermissionCode } from './permission-catalog';
import { SchoolAccessRepository } from './school-access.repository';

export interface HeldRole {
  id: string;
  name: string;
  systemKey: string | null;
}

/** What one person may do in one school: their active roles and the union of those roles' permissions. */
export interface SchoolAccessGrant {
  roles: HeldRole[];
  permissions: ReadonlySet<PermissionCode>;
}

/** Bounds the memory of the cache; past it, the grant cached longest ago is dropped. */
const MAX_CACHED_PEOPLE = 100_000;

/** A person's key in the cache; the school comes first so a school's keys share a prefix. */
const keyOf = (schemaName: string, userId: string) => `${schemaName}/${userId}`;

/**
 * Answers "what may this person do here" without a query per request. Entries are per school
 * and dropped when that school's roles change: right after the changing transaction commits in
 * this process, and in every other process when the database's NOTIFY (sent by triggers on the
 * school's role tables, see the RolesAndPermissions migration) arrives. A TTL bounds staleness
 * if a notice is ever lost; if the listening connection drops, everything is forgotten.
 */
@Injectable()
export class SchoolAccess implements MemberAccessReader {
  private readonly grants: BoundedCache<string, SchoolAccessGrant>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantContext,
    notifications: DatabaseNotifications,
    private readonly repository: SchoolAccessRepository,
  ) {
    this.grants = new BoundedCache({
      maxEntries: MAX_CACHED_PEOPLE,
      ttlMs: config.accessCacheTtlSeconds * 1000,
    });
    notifications.subscribe(
      'school_access',
      (schemaName) => this.forgetSchool(schemaName),
      () => this.grants.clear(),
    );
  }

  /** Looks up through the cache; on a miss, reads in a short transaction of its own. */
  async grantOf(school: School, userId: string): Promise<SchoolAccessGrant> {
    const key = keyOf(school.schemaName, userId);
    const cached = this.grants.get(key);
    if (cached) return cached;
    // A lookup that started before a change of roles does not fill the cache.
    const stamp = this.grants.stamp();
    const grant = await this.transactions.run(school, (manager) => this.load(manager, userId));
    this.grants.set(key, grant, stamp);
    return grant;
  }

  /** For GET /api/auth/me. */
  async accessOf(school: School, userId: string): Promise<MemberAccess> {
    const grant = await this.grantOf(school, userId);
    return { roles: grant.roles, permissions: [...grant.permissions].sort() };
  }

  /**
   * Call inside the transaction that changes roles, permissions or assignments: the school is
   * forgotten now (so no reader refills it from before the change) and again after commit.
   */
  changedInTransaction(): void {
    const schemaName = this.tenant.school.schemaName;
    this.forgetSchool(schemaName);
    this.tenant.afterCommit(() => this.forgetSchool(schemaName));
  }

  /** Scans every cached grant (a few ms at the bound): role changes are rare next to reads. */
  forgetSchool(schemaName: string): void {
    const prefix = keyOf(schemaName, '');
    this.grants.deleteWhere((_grant, key) => key.startsWith(prefix));
  }

  private async load(manager: EntityManager, userId: string): Promise<SchoolAccessGrant> {
    const rows = await this.repository.heldRoles(manager, userId);
    const permissions = new Set<PermissionCode>();
    for (const row of rows) {
      // Owner holds every permission in the code's catalog, even before a sync has run.
      const codes = row.system_key === 'owner' ? ALL_PERMISSION_CODES : row.permissions;
      for (const code of codes) if (isPermissionCode(code)) permissions.add(code);
    }
    return {
      roles: rows.map((row) => ({ id: row.id, name: row.name, systemKey: row.system_key })),
      permissions,
    };
  }
}
