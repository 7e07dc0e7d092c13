import { publicMigrations } from '@schoolyard/migrations/public';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  passwordOf,
  databaseNameOf,
  databaseTag,
  derivedApiPassword,
  userOf,
  withCredentials,
} from './database-url';

export interface DatabaseUrls {
  /** Owner account: provisioning, migrations, platform writes. */
  ownerUrl: string;
  /** Unprivileged NOINHERIT login: every request runs here, switching into a school role. */
  requestsUrl: string;
  apiRole: string;
  /** Short tag of the database name, part of every school role's name. */
  databaseTag: string;
}

/** Serialises start-up work of several instances (or a test run's workers) on one database. */
const PREPARE_LOCK = 7_240_001;

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
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PREPARE_LOCK]);
    const appliedPublic = await runPublicMigrations(ownerUrl);
    const apiRole = apiUrl ? userOf(apiUrl) : `schoolyard_api_${tag}`;
    const password = apiUrl ? passwordOf(apiUrl) : derivedApiPassword(ownerUrl);
    // A role named by API_DATABASE_URL keeps the password its operator gave it.
    await ensureLoginRole(client, apiRole, password, { resetPassword: !apiUrl });
    await grantApiPrivileges(client, apiRole);
    await withholdTemporaryObjects(client, apiRole);
    const urls = {
      ownerUrl,
      requestsUrl: apiUrl ?? withCredentials(ownerUrl, apiRole, password),
      apiRole,
      databaseTag: tag,
    };
    return { urls, appliedPublic };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PREPARE_LOCK]).catch(() => undefined);
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

async function ensureLoginRole(
  client: Client,
  role: string,
  password: string,
  options: { resetPassword: boolean },
): Promise<void> {
  const name = quoteRole(role);
  const literal = client.escapeLiteral(password);
  const found = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  if (found.rowCount === 0) {
    // NOINHERIT: membership in school roles gives no privilege until the request switches.
    await client.query(
      `CREATE ROLE ${name} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal}`,
    );
  } else {
    const passwordClause = options.resetPassword ? ` PASSWORD ${literal}` : '';
    await client.query(`ALTER ROLE ${name} LOGIN NOINHERIT NOSUPERUSER${passwordClause}`);
  }
}

async function grantApiPrivileges(client: Client, role: string): Promise<void> {
  const name = quoteRole(role);
  const superuser = await client.query<{ rolsuper: boolean }>(
    'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
    [role],
  );
  if (superuser.rows[0]?.rolsuper) {
    throw new Error(
      `API_DATABASE_URL logs in as superuser "${role}": a superuser ignores privileges, so school isolation would not hold`,
    );
  }
  await client.query(`GRANT SELECT ON public.organizations, public.domains TO ${name}`);
  // Sign-in is platform work done as this role, not as the owner: it reads accounts and
  // writes only their sign-in columns, and keeps the session tables.
  await client.query(`GRANT SELECT ON public.users TO ${name}`);
  await client.query(
    `GRANT UPDATE (password_hash, must_change_password, failed_login_count, last_failed_login_at,
                   last_login_at, updated_at) ON public.users TO ${name}`,
  );
  await client.query(
    `GRANT SELECT, INSERT, UPDATE ON public.auth_sessions, public.refresh_tokens TO ${name}`,
  );
  // A password change erases the temporary one; the account-event cascade reads its outbox and
  // the memberships it visits (schools themselves go through SECURITY DEFINER functions).
  await client.query(
    `GRANT UPDATE (temporary_password, temporary_password_school) ON public.users TO ${name}`,
  );
  await client.query(`GRANT SELECT, UPDATE ON public.account_events TO ${name}`);
  // Mailed tokens (verification, link acceptance, password reset) and the mail they go out in.
  await client.query(`GRANT SELECT, INSERT, UPDATE (used_at) ON public.account_tokens TO ${name}`);
  await client.query(`GRANT INSERT ON public.mail_outbox TO ${name}`);
  await client.query(`GRANT USAGE ON SEQUENCE public.mail_outbox_id_seq TO ${name}`);
  await client.query(`GRANT SELECT, DELETE ON public.school_memberships TO ${name}`);
  // Billing is platform work done as this role, outside any school's transaction: it reads
  // plans, keeps payments, extends subscriptions when a payment completes and journals events.
  await client.query(`GRANT SELECT ON public.plans TO ${name}`);
  await client.query(
    `GRANT SELECT, UPDATE (plan_code, state, current_period_start, current_period_end, updated_at)
       ON public.subscriptions TO ${name}`,
  );
  await client.query(
    `GRANT SELECT, INSERT, UPDATE (status, provider_status, provider_ref, period_start, period_end,
                                   checked_at, completed_at, updated_at)
       ON public.payments TO ${name}`,
  );
  await client.query(`GRANT INSERT ON public.payment_events TO ${name}`);
  // A login role recreated by hand (or a new API_DATABASE_URL) gets back every school in one statement.
  const missing = await client.query<{ db_role: string }>(
    `SELECT o.db_role FROM public.organizations o
      WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = o.db_role)
        AND NOT pg_has_role($1, o.db_role, 'MEMBER')`,
    [role],
  );
  if (missing.rowCount) {
    const roles = missing.rows.map((row) => quoteRole(row.db_role)).join(', ');
    await client.query(`GRANT ${roles} TO ${name}`);
  }
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
async function withholdTemporaryObjects(client: Client, apiRole: string): Promise<void> {
  const current = await client.query<{ name: string }>('SELECT current_database() AS name');
  const database = client.escapeIdentifier(current.rows[0].name);
  await client.query(`REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
  await client.query(`GRANT TEMPORARY ON DATABASE ${database} TO CURRENT_USER`);
  // A REVOKE by an account that does not own the database only warns; so does nothing stop a
  // grant by name to the login. Either way isolation would not hold: refuse to start.
  const left = await client.query<{ login: boolean; everyone: boolean }>(
    `SELECT has_database_privilege($1, current_database(), 'TEMPORARY') AS login,
            has_database_privilege('public', current_database(), 'TEMPORARY') AS everyone`,
    [apiRole],
  );
  if (left.rows[0].login || left.rows[0].everyone) {
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
