import { Client } from 'pg';
import { databaseNameOf, databaseTag } from '../../libs/database/database-url';
import { type TestDatabaseHandle } from './global-setup';

/** Drops what the run made: its database and the cluster-wide roles tagged with its name. */
export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as { schoolyardTestDatabase?: TestDatabaseHandle })
    .schoolyardTestDatabase;
  if (!handle) return;
  if (handle.serverUrl) {
    const database = databaseNameOf(handle.url);
    const tag = databaseTag(database);
    const admin = new Client({ connectionString: handle.serverUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      const roles = await admin.query<{ rolname: string }>(
        `SELECT rolname FROM pg_roles WHERE rolname LIKE 'school\\_%' AND rolname LIKE $1
            OR rolname = $2`,
        [`%\\_${tag}`, `schoolyard_api_${tag}`],
      );
      for (const { rolname } of roles.rows) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
    } finally {
      await admin.end();
    }
  }
  await handle.stop();
}
