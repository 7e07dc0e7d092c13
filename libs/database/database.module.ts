import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type AppConfig } from '@schoolyard/config';
import { type DataSourceOptions } from 'typeorm';
import { type DatabaseUrls } from './prepare-database';

import { DatabaseNotifications } from './database-notifications.service';
import { DATABASE_URLS, OWNER_DATA_SOURCE } from './database.tokens';
import { RequestPool } from './request-pool';
import { OwnerConnections } from './owner-connections';

export { DATABASE_URLS, OWNER_DATA_SOURCE };

/** See AffinityPool: a few transactions' time on a busy home connection. */
const SPILL_AFTER_MS = 5;

/**
 * Two pools. Requests use the unprivileged login role, on an AffinityPool that keeps each
 * school on connections that served it before and replaces a connection after it served
 * DB_POOL_MAX_SCHOOLS_PER_CONNECTION schools (a backend's catalog cache grows with every
 * school it visits; uses and lifetime bound it too); the owner pool is small and
 * serves provisioning, migrations and platform writes (the CLI widens it to migrate many
 * schools at once). Its connections are closed after building or migrating
 * `DB_OWNER_SCHOOLS_PER_CONNECTION` schools (OwnerConnections), not after a number of uses.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(
    config: AppConfig,
    urls: DatabaseUrls,
    options: { ownerPoolSize?: number } = {},
  ): DynamicModule {
    const requestPool = new RequestPool();
    const common = (applicationName: string): Partial<DataSourceOptions> => ({
      type: 'postgres',
      // Typed SQL throughout (docs/DECISIONS.md): TypeORM drives connections and
      // transactions; there are no entities to map.
      entities: [],
      synchronize: false,
      migrationsRun: false,
      logging: false,
      applicationName,
    });
    const requests = {
      ...common('schoolyard-api'),
      url: urls.requestsUrl,
      // pg with an AffinityPool in place of pg-pool: the DataSource opens and closes it.
      driver: requestPool.asDriver(),
      extra: {
        max: config.pool.size,
        maxKeysPerConnection: config.pool.maxSchoolsPerConnection,
        // A school whose home connection is busy waits this long for it before it takes a
        // connection whose backend has not served it (a cold catalog costs PostgreSQL ~1 ms
        // of CPU; the wait costs none).
        spillAfterMillis: SPILL_AFTER_MS,
        // Queries queued on a connection go out without waiting for the previous answer:
        // a tenant transaction's BEGIN and settings travel with its first query.
        pipeline: true,
        maxUses: config.pool.maxUses,
        maxLifetimeSeconds: config.pool.maxLifetimeSeconds,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: config.pool.connectTimeoutMs,
      },
    } as DataSourceOptions;
    const owner = {
      ...common('schoolyard-owner'),
      url: urls.ownerUrl,
      extra: {
        max: options.ownerPoolSize ?? 4,
        maxLifetimeSeconds: config.pool.maxLifetimeSeconds,
        connectionTimeoutMillis: config.pool.connectTimeoutMs,
      },
    } as DataSourceOptions;
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot(requests),
        TypeOrmModule.forRoot({ ...owner, name: OWNER_DATA_SOURCE }),
      ],
      providers: [
        { provide: DATABASE_URLS, useValue: urls },
        { provide: RequestPool, useValue: requestPool },
        {
          provide: OwnerConnections,
          useValue: new OwnerConnections(config.pool.ownerSchoolsPerConnection),
        },
        DatabaseNotifications,
      ],
      exports: [TypeOrmModule, DATABASE_URLS, RequestPool, OwnerConnections, DatabaseNotifications],
    };
  }
}
