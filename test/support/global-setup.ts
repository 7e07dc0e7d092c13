import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// Relative imports: Jest's path aliases do not apply to global setup.
import { withDatabase } from '../../libs/database/database-url';
import { startEmbeddedPostgres } from '../../libs/database/embedded-postgres';

export interface TestDatabaseHandle {
  url: string;
  stop(): Promise<void>;
  /** Set when the run made its own database on a server named by DATABASE_URL. */
  serverUrl?: string;
}

/**
 * One database for the whole run. Without DATABASE_URL a throw-away embedded server is
 * started; with it, a fresh database is made on that server and dropped afterwards, so a
 * developer's data is never touched.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL?.trim();
  let handle: TestDatabaseHandle;
  if (serverUrl) {
    const database = `schoolyard_test_${randomBytes(4).toString('hex')}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    handle = { url: withDatabase(serverUrl, database), serverUrl, stop: async () => undefined };
  } else {
    const folder = await mkdtemp(join(tmpdir(), 'schoolyard-test-'));
    // When run as root, PostgreSQL runs as the `postgres` user, who must be able to enter.
    await chmod(folder, 0o755);
    const server = await startEmbeddedPostgres({
      dataDir: join(folder, 'pg'),
      database: 'schoolyard_test',
      persistent: false,
    });
    handle = { url: server.url, stop: () => server.stop() };
  }
  process.env.SCHOOLYARD_TEST_DATABASE_URL = handle.url;
  (globalThis as { schoolyardTestDatabase?: TestDatabaseHandle }).schoolyardTestDatabase = handle;
}
