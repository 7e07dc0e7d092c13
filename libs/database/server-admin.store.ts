import { type Client } from 'pg';

/** A database name as an identifier (names are ours, but a quote must not end it early). */
const quoteDatabase = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Server-wide statements of the development and test helpers (the embedded server's
 * database, throw-away databases and their roles), on an administrator's session.
 */
export class ServerAdminStore {
  constructor(private readonly client: Client) {}

  async databaseExists(name: string): Promise<boolean> {
    const found = await this.client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return found.rowCount !== 0;
  }

  async createDatabase(name: string): Promise<void> {
    await this.client.query(`CREATE DATABASE ${quoteDatabase(name)}`);
  }

  async dropDatabase(name: string): Promise<void> {
    await this.client.query(`DROP DATABASE IF EXISTS ${quoteDatabase(name)} WITH (FORCE)`);
  }

  /** The cluster-wide roles made for the database of `tag`: its schools', login's, platform's. */
  async rolesOfDatabase(tag: string): Promise<string[]> {
    const roles = await this.client.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles
        WHERE (rolname LIKE 'school\\_%' AND rolname LIKE $1) OR rolname IN ($2, $3)`,
      [`%\\_${tag}`, `schoolyard_api_${tag}`, `schoolyard_platform_${tag}`],
    );
    return roles.rows.map((row) => row.rolname);
  }

  async dropRole(name: string): Promise<void> {
    await this.client.query(`DROP ROLE IF EXISTS "${name}"`);
  }
}
