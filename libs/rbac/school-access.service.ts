import { Inject, Injectable } from '@nestjs/common';
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

interface CachedGrant {
  grant: SchoolAccessGrant;
  expiresAt: number;
}

interface SchoolEntry {
  /** Bumped on every change: a lookup that started before the change does not fill the cache. */
  generation: number;
  people: Map<string, CachedGrant>;
}

/** Bounds the memory of the cache; past it, the school cached longest ago is dropped whole. */
const MAX_CACHED_PEOPLE = 100_000;

/**
 * Answers "what may this person do here" without a query per request. Entries are per school
 * and dropped when that school's roles change: right after the changing transaction commits in
 * this process, and in every other process when the database's NOTIFY (sent by triggers on the
 * school's role tables, see the RolesAndPermissions migration) arrives. A TTL bounds staleness
 * if a notice is ever lost; if the listening connection drops, everything is forgotten.
 */
@Injectable()
export class SchoolAccess implements MemberAccessReader {
  private readonly schools = new Map<string, SchoolEntry>();
  private cachedPeople = 0;
  private readonly ttlMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantContext,
    notifications: DatabaseNotifications,
    private readonly repository: SchoolAccessRepository,
  ) {
    this.ttlMs = config.accessCacheTtlSeconds * 1000;
    notifications.subscribe(
      'school_access',
      (schemaName) => this.forgetSchool(schemaName),
      () => this.forgetAll(),
    );
  }

  /** Looks up through the cache; on a miss, reads in a short transaction of its own. */
  async grantOf(school: School, userId: string): Promise<SchoolAccessGrant> {
    const entry = this.entryFor(school.schemaName);
    const cached = entry.people.get(userId);
    if (cached && cached.expiresAt > Date.now()) return cached.grant;
    const generation = entry.generation;
    const grant = await this.transactions.run(school, (manager) => this.load(manager, userId));
    const unchanged =
      this.schools.get(school.schemaName) === entry && entry.generation === generation;
    if (this.ttlMs > 0 && unchanged) {
      this.remember(entry, userId, grant);
    }
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

  forgetSchool(schemaName: string): void {
    const entry = this.schools.get(schemaName);
    if (!entry) return;
    entry.generation += 1;
    this.cachedPeople -= entry.people.size;
    entry.people.clear();
  }

  private forgetAll(): void {
    for (const schemaName of this.schools.keys()) this.forgetSchool(schemaName);
  }

  private entryFor(schemaName: string): SchoolEntry {
    let entry = this.schools.get(schemaName);
    if (!entry) {
      entry = { generation: 0, people: new Map() };
      this.schools.set(schemaName, entry);
    }
    return entry;
  }

  private remember(entry: SchoolEntry, userId: string, grant: SchoolAccessGrant): void {
    if (!entry.people.has(userId)) this.cachedPeople += 1;
    entry.people.set(userId, { grant, expiresAt: Date.now() + this.ttlMs });
    while (this.cachedPeople > MAX_CACHED_PEOPLE) {
      const oldest = this.schools.keys().next().value;
      if (oldest === undefined) break;
      this.forgetSchool(oldest);
      this.schools.delete(oldest);
    }
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
