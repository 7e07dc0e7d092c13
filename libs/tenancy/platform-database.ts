import { Inject, Injectable } from '@nestjs/common';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { type EntityManager } from 'typeorm';
import { type School } from './school';
import { TenantTransactions } from './tenant-transactions.service';

/**
 * Platform work (accounts, sessions, billing) on the request pool, switched into the
 * platform's role for its transaction the way a school's work is switched into the school's:
 * the login itself reads nothing but the host registry. Shaped like the DataSource calls it
 * replaces: `query` is one statement in its own transaction, `transaction` several.
 */
@Injectable()
export class PlatformDatabase {
  private readonly platform: School;

  constructor(
    private readonly transactions: TenantTransactions,
    @Inject(DATABASE_URLS) urls: DatabaseUrls,
  ) {
    // Not a school: a share of the pool and a role of its own, in the public schema.
    this.platform = {
      id: 'platform',
      slug: 'platform',
      name: 'Platform',
      status: 'active',
      schemaName: 'public',
      dbRole: urls.platformRole,
    };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DataSource.query it stands in for
  query<T = any>(sql: string, parameters?: unknown[]): Promise<T> {
    return this.transactions.run(this.platform, (manager) => manager.query(sql, parameters));
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.transactions.run(this.platform, work);
  }
}
