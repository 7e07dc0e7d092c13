import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseNameOf, databaseTag, withDatabase } from './database-url';
import { startEmbeddedPostgres } from './embedded-postgres';
import { ServerAdminStore } from './server-admin.store';

export interface ThrowawayDatabase {
  url: string;
  /** Drops the database and the cluster-wide roles made for it, or stops the embedded server. */
  drop(): Promise<void>;
}

/**
 * A database that exists only for one test run or benchmark. On a server named by
 * `serverUrl` a fresh database is made (a developer's data is never touched); without
 * one, a throw-away embedded server is started.
 */
export async function createThrowawayDatabase(
  purpose: string,
  serverUrl: string | undefined,
): Promise<ThrowawayDatabase> {
  if (serverUrl) {
    const database = `schoolyard_${purpose}_${randomBytes(4).toString('hex')}`;
    await withClient(serverUrl, (admin) => admin.createDatabase(database));
    const url = withDatabase(serverUrl, database);
    return { url, drop: () => dropDatabaseAndRoles(serverUrl, url) };
  }
  const folder = await mkdtemp(join(tmpdir(), `schoolyard-${purpose}-`));
  // When run as root, PostgreSQL runs as the `postgres` user, who must be able to enter.
  await chmod(folder, 0o755);
  const server = await startEmbeddedPostgres({
    dataDir: join(folder, 'pg'),
    database: `schoolyard_${purpose}`,
    persistent: false,
  });
  return { url: server.url, drop: () => server.stop() };
}

async function dropDatabaseAndRoles(serverUrl: string, url: string): Promise<void> {
  const database = databaseNameOf(url);
  const tag = databaseTag(database);
  await withClient(serverUrl, async (admin) => {
    await admin.dropDatabase(database);
    for (const role of await admin.rolesOfDatabase(tag)) await admin.dropRole(role);
  });
}

async function withClient<T>(
  url: string,
  work: (admin: ServerAdminStore) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(new ServerAdminStore(client));
  } finally {
    await client.end();
  }
}
