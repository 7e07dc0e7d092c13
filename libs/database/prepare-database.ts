import { publicMigrations } from '@schoolyard/migrations/public';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { passwordOf, databaseNameOf, databaseTag, userOf, withCredentials } from './database-url';

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
    const apiRole = apiUrl ? userOf(apiUrl) : `schoolyard_api_${tag}`;
    // Before anything is changed: a login that ignores privileges would void isolation.
    if (apiUrl) await refuseOverprivilegedLogin(client, apiRole);
    await client.query('SELECT pg_advisory_lock($1)', [PREPARE_LOCK]);
    const appliedPublic = await runPublicMigrations(ownerUrl);
    let password: string;
    if (apiUrl) {
      // A role named by API_DATABASE_URL keeps the password its operator gave it.
      password = passwordOf(apiUrl);
      await ensureLoginRole(client, apiRole, password, { resetPassword: false });
    } else {
      const secret = await loginSecret(client, apiRole);
      password = secret.password;
      await ensureLoginRole(client, apiRole, password, { resetPassword: secret.isNew });
    }
    const platformRole = platformRoleName(tag);
    await grantApiPrivileges(client, apiRole, platformRole);
    await withholdTemporaryObjects(client, apiRole);
    const urls = {
      ownerUrl,
      requestsUrl: apiUrl ?? withCredentials(ownerUrl, apiRole, password),
      apiRole,
      platformRole,
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

/**
 * The request login's password, made once at random and kept where only the owner can read it
 * (migration LoginSecrets); every instance of the deployment reads the same one.
 */
async function loginSecret(
  client: Client,
  role: string,
): Promise<{ password: string; isNew: boolean }> {
  const made = await client.query<{ password: string }>(
    `INSERT INTO schoolyard_private.login_secrets (role_name, password) VALUES ($1, $2)
     ON CONFLICT (role_name) DO NOTHING RETURNING password`,
    [role, randomBytes(32).toString('base64url')],
  );
  if (made.rows[0]) return { password: made.rows[0].password, isNew: true };
  const kept = await client.query<{ password: string }>(
    'SELECT password FROM schoolyard_private.login_secrets WHERE role_name = $1',
    [role],
  );
  return { password: kept.rows[0].password, isNew: false };
}

/**
 * API_DATABASE_URL must name an ordinary login: a superuser ignores privileges, and the owner
 * owns every school's schema, so either would read every school. Such a login is refused as
 * it is, not demoted: it may be an operator's own administrator.
 */
async function refuseOverprivilegedLogin(client: Client, role: string): Promise<void> {
  const found = await client.query<{ rolsuper: boolean; is_owner: boolean; broad: boolean }>(
    `SELECT r.rolsuper, r.rolname = current_user OR pg_has_role(r.rolname, current_user, 'MEMBER') AS is_owner,
            r.rolcreaterole OR r.rolbypassrls
              OR EXISTS (SELECT 1 FROM pg_roles b
                          WHERE b.rolname IN ('pg_read_all_data', 'pg_write_all_data')
                            AND pg_has_role(r.rolname, b.rolname, 'MEMBER')) AS broad
       FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  const login = found.rows[0];
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
    await client.query(`ALTER ROLE ${name} LOGIN NOINHERIT${passwordClause}`);
  }
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
  client: Client,
  role: string,
  platformRole: string,
): Promise<void> {
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
  // Builds before this one granted the platform tables to the login itself.
  await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${name}`);
  await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${name}`);
  await client.query(`GRANT SELECT ON public.organizations, public.domains TO ${name}`);
  // Plan limits ride on the host look-up, through a function that answers that one row.
  await client.query(`GRANT EXECUTE ON FUNCTION public.school_by_host(text) TO ${name}`);

  const platform = quoteRole(platformRole);
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [platformRole]);
  if (exists.rowCount === 0) await client.query(`CREATE ROLE ${platform} NOLOGIN NOINHERIT`);
  await client.query(`GRANT ${platform} TO ${name}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${platform}`);
  await client.query(`GRANT SELECT ON public.organizations, public.domains TO ${platform}`);
  // Sign-in reads accounts and writes only their sign-in columns, and keeps the session tables.
  await client.query(`GRANT SELECT ON public.users TO ${platform}`);
  await client.query(
    `GRANT UPDATE (password_hash, must_change_password, failed_login_count, last_failed_login_at,
                   last_login_at, updated_at) ON public.users TO ${platform}`,
  );
  await client.query(
    `GRANT SELECT, INSERT, UPDATE ON public.auth_sessions, public.refresh_tokens TO ${platform}`,
  );
  // A password change erases the temporary one; verification proves and releases emails; the
  // account-event cascade reads its outbox and the memberships it visits (schools themselves
  // go through SECURITY DEFINER functions).
  await client.query(
    `GRANT UPDATE (temporary_password, temporary_password_school, email, email_verified_at)
       ON public.users TO ${platform}`,
  );
  await client.query(`GRANT SELECT, UPDATE ON public.account_events TO ${platform}`);
  await client.query(`GRANT SELECT, DELETE ON public.school_memberships TO ${platform}`);
  // Mailed tokens (verification, link acceptance, password reset) and the mail they go out in.
  await client.query(
    `GRANT SELECT, INSERT, UPDATE (used_at) ON public.account_tokens TO ${platform}`,
  );
  await client.query(`GRANT INSERT ON public.mail_outbox TO ${platform}`);
  await client.query(`GRANT USAGE ON SEQUENCE public.mail_outbox_id_seq TO ${platform}`);
  // Billing reads plans, keeps payments, extends subscriptions when a payment completes and
  // journals events.
  await client.query(`GRANT SELECT ON public.plans TO ${platform}`);
  await client.query(
    `GRANT SELECT, UPDATE (plan_code, state, current_period_start, current_period_end, updated_at)
       ON public.subscriptions TO ${platform}`,
  );
  await client.query(
    `GRANT SELECT, INSERT, UPDATE (status, provider_status, provider_ref, period_start, period_end,
                                   checked_at, completed_at, updated_at)
       ON public.payments TO ${platform}`,
  );
  await client.query(`GRANT INSERT ON public.payment_events TO ${platform}`);
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
