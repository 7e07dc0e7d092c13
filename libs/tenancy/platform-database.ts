import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { type EntityManager } from 'typeorm';
import { type School } from './school';
import { TenantContext } from './tenant-context';
import { TenantTransactions } from './tenant-transactions.service';

const PLATFORM = 'platform';

/**
 * Platform work (accounts, sessions, billing) on the request pool, switched into the
 * platform's role for its transaction the way a school's work is switched into the school's:
 * the login itself reads nothing but the host registry. Shaped like the DataSource calls it
 * replaces: `query` is one statement in its own transaction, `transaction` several.
 */
@Injectable()
export class PlatformDatabase {
  private readonly platform: School;
  /** One per school host whose requests do platform work, so no school queues another's. */
  private readonly perSchool = new Map<string, School>();

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantContext,
    @Inject(DATABASE_URLS) urls: DatabaseUrls,
  ) {
    // Not a school: a role of its own, in the public schema.
    this.platform = {
      id: PLATFORM,
      slug: PLATFORM,
      name: 'Platform',
      status: 'active',
      schemaName: 'public',
      dbRole: urls.platformRole,
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DataSource.query it stands in for
  query<T = any>(sql: string, parameters?: unknown[]): Promise<T> {
    // One statement: its COMMIT goes in the same write (one round trip in all).
    return this.transactions.run(this.context(), () => this.tenant.finalQuery<T>(sql, parameters));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.transactions.run(this.context(), work);
  }

  /**
   * The pool share platform work waits in is the calling school's own (sign-ins, refreshes
   * and session checks of one school cannot queue another's), or the platform host's.
   */
  private context(): School {
    if (!this.tenant.hasSchool) return this.platform;
    const school = this.tenant.school;
    if (school.dbRole === this.platform.dbRole) return school; // already platform work
    let entry = this.perSchool.get(school.id);
    if (!entry) {
      if (this.perSchool.size >= 10_000) this.perSchool.clear();
      entry = { ...this.platform, id: `${PLATFORM}:${school.id}` };
      this.perSchool.set(school.id, entry);
    }
    return entry;
  }
}
