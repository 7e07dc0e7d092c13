import { publicMigrations } from '@schoolyard/migrations/public';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { passwordOf, databaseNameOf, databaseTag, userOf, withCredentials } from './database-url';
import { PreparationStore } from './prepare-database.store';

export interface DatabaseUrls {
  /** Owner account: provisioning, migrations, platform writes. */
  ownerUrl: string;
  /** Unprivileged NOINHERIT login: every request runs here, switching into a school role. */
  requestsUrl: string;
  apiRole: string;
  /**
   * Holds the platform's own privileges (accounts, sessions, billing). The login switches
   * into it per transaction, as into a school's role, for platform work.
   */
  platformRole: string;
  /** Short tag of the database name, part of every school role's name. */
  databaseTag: string;
}

/**
 * Brings the public schema up to date and makes sure the API's login role exists with the
 * privileges it needs: read the school registry, switch into school roles, nothing else.
 */
export interface PreparedDatabase {
  urls: DatabaseUrls;
  /** Public migrations this call applied (empty when the schema was current). */
  appliedPublic: string[];
}

export async function prepareDatabase(
  ownerUrl: string,
  apiUrl?: string,
): Promise<PreparedDatabase> {
  const tag = databaseTag(databaseNameOf(ownerUrl));
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  const store = new PreparationStore(client);
  try {
    const apiRole = apiUrl ? userOf(apiUrl) : `schoolyard_api_${tag}`;
    // Before anything is changed: a login that ignores privileges would void isolation.
    if (apiUrl) await refuseOverprivilegedLogin(store, apiRole);
    await store.lockPreparation();
    const appliedPublic = await runPublicMigrations(ownerUrl);
    let password: string;
    if (apiUrl) {
      // A role named by API_DATABASE_URL keeps the password its operator gave it.
      password = passwordOf(apiUrl);
      await ensureLoginRole(store, apiRole, password, { resetPassword: false });
    } else {
      const secret = await loginSecret(store, apiRole);
      password = secret.password;
      await ensureLoginRole(store, apiRole, password, { resetPassword: secret.isNew });
    }
    const platformRole = platformRoleName(tag);
    await grantApiPrivileges(store, apiRole, platformRole);
    await withholdTemporaryObjects(store, apiRole);
    const urls = {
      ownerUrl,
      requestsUrl: apiUrl ?? withCredentials(ownerUrl, apiRole, password),
      apiRole,
      platformRole,
      databaseTag: tag,
    };
    return { urls, appliedPublic };
  } finally {
    await store.unlockPreparation().catch(() => undefined);
    await client.end();
  }
}

export async function runPublicMigrations(ownerUrl: string): Promise<string[]> {
  const source = new DataSource({
    type: 'postgres',
    url: ownerUrl,
    migrations: publicMigrations,
    migrationsTableName: 'platform_migrations',
    logging: false,
  });
  await source.initialize();
  try {
    const applied = await source.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await source.destroy();
  }
}

/**
 * The request login's password, made once at random and kept where only the owner can read it
 * (migration LoginSecrets); every instance of the deployment reads the same one.
 */
async function loginSecret(
  store: PreparationStore,
  role: string,
): Promise<{ password: string; isNew: boolean }> {
  const made = await store.insertLoginSecret(role, randomBytes(32).toString('base64url'));
  if (made !== undefined) return { password: made, isNew: true };
  return { password: await store.keptLoginSecret(role), isNew: false };
}

/**
 * API_DATABASE_URL must name an ordinary login: a superuser ignores privileges, and the owner
 * owns every school's schema, so either would read every school. Such a login is refused as
 * it is, not demoted: it may be an operator's own administrator.
 */
async function refuseOverprivilegedLogin(store: PreparationStore, role: string): Promise<void> {
  const login = await store.loginPrivileges(role);
  if (login?.rolsuper) {
    throw new Error(
      `API_DATABASE_URL logs in as superuser "${role}": a superuser ignores privileges, so school isolation would not hold. Name an ordinary login role; nothing was changed.`,
    );
  }
  if (login?.broad) {
    throw new Error(
      `API_DATABASE_URL logs in as "${role}", which may create roles, bypass row security, or read or write all data: school isolation would not hold. Name an ordinary login role; nothing was changed.`,
    );
  }
  if (login?.is_owner) {
    throw new Error(
      `API_DATABASE_URL logs in as "${role}", the owner account of DATABASE_URL (or a member of it): it owns every school's schema. Name a separate login role; nothing was changed.`,
    );
  }
}

async function ensureLoginRole(
  store: PreparationStore,
  role: string,
  password: string,
  options: { resetPassword: boolean },
): Promise<void> {
  const name = quoteRole(role);
  if (!(await store.roleExists(role))) await store.createLoginRole(name, password);
  else await store.alterLoginRole(name, options.resetPassword ? password : null);
  // Requests are short statements on small school tables, many of them never analyzed (a
  // school's one settings row): the planner's guesses can price one past jit_above_cost, and
  // compiling it then took 0.7 s of a 40-student register's save. Compiling never pays at
  // request sizes; fleet work, as the owner, keeps the server's setting.
  await store.turnOffJit(name);
}

/** The role platform work runs as (see DatabaseUrls.platformRole); one per database. */
export function platformRoleName(databaseTag: string): string {
  if (!/^[0-9a-f]{8}$/.test(databaseTag)) throw new Error(`bad database tag "${databaseTag}"`);
  return `schoolyard_platform_${databaseTag}`;
}

/**
 * Before a school or the platform is chosen, the login reads the host registry and nothing
 * else; a direct connection with its password sees no account, session or payment without
 * switching role first, like for a school. Platform work switches into the platform role for
 * its transaction (PlatformDatabase); each grant below says what that work needs.
 */
async function grantApiPrivileges(
  store: PreparationStore,
  role: string,
  platformRole: string,
): Promise<void> {
  const name = quoteRole(role);
  if (await store.isSuperuser(role)) {
    throw new Error(
      `API_DATABASE_URL logs in as superuser "${role}": a superuser ignores privileges, so school isolation would not hold`,
    );
  }
  await store.limitLoginToRegistry(name);
  const platform = quoteRole(platformRole);
  if (!(await store.roleExists(platformRole))) await store.createGroupRole(platform);
  await store.grantPlatformRole(name, platform);
  // A login role recreated by hand (or a new API_DATABASE_URL) gets back every school in one statement.
  const missing = await store.schoolRolesMissing(role);
  if (missing.length) await store.grantRoles(missing.map(quoteRole), name);
}

/**
 * A temporary object outlives its transaction on a pooled connection, where the next
 * transaction may serve another school: a table granted to PUBLIC there was readable and
 * writable by it, and named by an unqualified name while `pg_temp` came first in the path. So
 * neither the API login nor any school role may create one.
 *
 * PostgreSQL grants TEMPORARY on every database to PUBLIC, and a privilege PUBLIC holds
 * cannot be taken from one role: revoking it from a school role changes nothing. It is
 * revoked from PUBLIC (a change to the whole database: another role that needs temporary
 * tables must be granted them by name) and given back by name to the owner account, which
 * migrations and maintainers use. Done at every start, so the schools of an older build are
 * covered too, in one statement rather than a visit per school.
 */
async function withholdTemporaryObjects(store: PreparationStore, apiRole: string): Promise<void> {
  const database = await store.currentDatabase();
  await store.withholdTemporary(database);
  // A REVOKE by an account that does not own the database only warns; so does nothing stop a
  // grant by name to the login. Either way isolation would not hold: refuse to start.
  const left = await store.temporaryPrivileges(apiRole);
  if (left.login || left.everyone) {
    throw new Error(
      `"${apiRole}" or PUBLIC may create temporary tables in ${database}: as its owner, ` +
        `REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC, "${apiRole}"`,
    );
  }
}

function quoteRole(role: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new Error(`unexpected role name "${role}"`);
  return `"${role}"`;
}
