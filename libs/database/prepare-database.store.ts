import { type Client } from 'pg';

/** Serialises start-up work of several instances (or a test run's workers) on one database. */
const PREPARE_LOCK = 7_240_001;

/** What start-up needs to know of a login before it changes anything. */
export interface LoginPrivileges {
  rolsuper: boolean;
  is_owner: boolean;
  broad: boolean;
}

/**
 * The statements of start-up preparation (prepare-database.ts decides which to run), on the
 * owner's session. Role names arrive quoted by the caller: DDL takes no parameters.
 */
export class PreparationStore {
  constructor(private readonly client: Client) {}

  async lockPreparation(): Promise<void> {
    await this.client.query('SELECT pg_advisory_lock($1)', [PREPARE_LOCK]);
  }

  async unlockPreparation(): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock($1)', [PREPARE_LOCK]);
  }

  /** Stores `password` for `role` unless one is kept already; answers it when stored. */
  async insertLoginSecret(role: string, password: string): Promise<string | undefined> {
    const made = await this.client.query<{ password: string }>(
      `INSERT INTO schoolyard_private.login_secrets (role_name, password) VALUES ($1, $2)
       ON CONFLICT (role_name) DO NOTHING RETURNING password`,
      [role, password],
    );
    return made.rows[0]?.password;
  }

  async keptLoginSecret(role: string): Promise<string> {
    const kept = await this.client.query<{ password: string }>(
      'SELECT password FROM schoolyard_private.login_secrets WHERE role_name = $1',
      [role],
    );
    return kept.rows[0].password;
  }

  async loginPrivileges(role: string): Promise<LoginPrivileges | undefined> {
    const found = await this.client.query<LoginPrivileges>(
      `SELECT r.rolsuper, r.rolname = current_user OR pg_has_role(r.rolname, current_user, 'MEMBER') AS is_owner,
              r.rolcreaterole OR r.rolbypassrls
                OR EXISTS (SELECT 1 FROM pg_roles b
                            WHERE b.rolname IN ('pg_read_all_data', 'pg_write_all_data')
                              AND pg_has_role(r.rolname, b.rolname, 'MEMBER')) AS broad
         FROM pg_roles r WHERE r.rolname = $1`,
      [role],
    );
    return found.rows[0];
  }

  async roleExists(role: string): Promise<boolean> {
    const found = await this.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    return found.rowCount !== 0;
  }

  async isSuperuser(role: string): Promise<boolean> {
    const found = await this.client.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
      [role],
    );
    return found.rows[0]?.rolsuper === true;
  }

  /** NOINHERIT: membership in school roles gives no privilege until the request switches. */
  async createLoginRole(name: string, password: string): Promise<void> {
    const literal = this.client.escapeLiteral(password);
    await this.client.query(
      `CREATE ROLE ${name} LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${literal}`,
    );
  }

  async alterLoginRole(name: string, newPassword: string | null): Promise<void> {
    const passwordClause =
      newPassword === null ? '' : ` PASSWORD ${this.client.escapeLiteral(newPassword)}`;
    await this.client.query(`ALTER ROLE ${name} LOGIN NOINHERIT${passwordClause}`);
  }

  /** A login default: it holds from each connection's start and through RESET ALL. */
  async turnOffJit(name: string): Promise<void> {
    await this.client.query(`ALTER ROLE ${name} SET jit = off`);
  }

  async createGroupRole(name: string): Promise<void> {
    await this.client.query(`CREATE ROLE ${name} NOLOGIN NOINHERIT`);
  }

  /**
   * The login reads the host registry and nothing else. Builds before this one granted the
   * platform tables to the login itself: those grants go first.
   */
  async limitLoginToRegistry(login: string): Promise<void> {
    await this.client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${login}`);
    await this.client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${login}`);
    await this.client.query(`GRANT SELECT ON public.organizations, public.domains TO ${login}`);
    // Plan limits ride on the host look-up, through a function that answers that one row.
    await this.client.query(`GRANT EXECUTE ON FUNCTION public.school_by_host(text) TO ${login}`);
  }

  /** The login may switch into the platform role, which holds what platform work needs. */
  async grantPlatformRole(login: string, platform: string): Promise<void> {
    await this.client.query(`GRANT ${platform} TO ${login}`);
    await this.client.query(`GRANT USAGE ON SCHEMA public TO ${platform}`);
    await this.client.query(`GRANT SELECT ON public.organizations, public.domains TO ${platform}`);
    // Sign-in reads accounts and writes only their sign-in columns, and keeps the session tables.
    await this.client.query(`GRANT SELECT ON public.users TO ${platform}`);
    await this.client.query(
      `GRANT UPDATE (password_hash, must_change_password, failed_login_count, last_failed_login_at,
                     last_login_at, updated_at) ON public.users TO ${platform}`,
    );
    await this.client.query(
      `GRANT SELECT, INSERT, UPDATE ON public.auth_sessions, public.refresh_tokens TO ${platform}`,
    );
    // A password change erases the temporary one; verification proves and releases emails; the
    // account-event cascade reads its outbox and the memberships it visits (schools themselves
    // go through SECURITY DEFINER functions).
    await this.client.query(
      `GRANT UPDATE (temporary_password, temporary_password_school, email, email_verified_at)
         ON public.users TO ${platform}`,
    );
    await this.client.query(`GRANT SELECT, UPDATE ON public.account_events TO ${platform}`);
    await this.client.query(`GRANT SELECT, DELETE ON public.school_memberships TO ${platform}`);
    // Mailed tokens (verification, link acceptance, password reset) and the mail they go out in.
    await this.client.query(
      `GRANT SELECT, INSERT, UPDATE (used_at) ON public.account_tokens TO ${platform}`,
    );
    await this.client.query(`GRANT INSERT ON public.mail_outbox TO ${platform}`);
    await this.client.query(`GRANT USAGE ON SEQUENCE public.mail_outbox_id_seq TO ${platform}`);
    // A job's mail names its work in dedupe_key (absence alerts); INSERT … ON CONFLICT
    // (dedupe_key) needs to read that column, and only that one: keys name no secret.
    await this.client.query(`GRANT SELECT (dedupe_key) ON public.mail_outbox TO ${platform}`);
    // Billing reads plans, keeps payments, extends subscriptions when a payment completes and
    // journals events.
    await this.client.query(`GRANT SELECT ON public.plans TO ${platform}`);
    await this.client.query(
      `GRANT SELECT, UPDATE (plan_code, state, current_period_start, current_period_end, updated_at)
         ON public.subscriptions TO ${platform}`,
    );
    await this.client.query(
      `GRANT SELECT, INSERT, UPDATE (status, provider_status, provider_ref, period_start, period_end,
                                     checked_at, completed_at, updated_at)
         ON public.payments TO ${platform}`,
    );
    await this.client.query(`GRANT INSERT ON public.payment_events TO ${platform}`);
    // Platform payments completed from a request are recorded in the platform's audit trail;
    // only the owner reads it or changes it (retention).
    await this.client.query(`GRANT INSERT ON public.platform_audit_events TO ${platform}`);
  }

  /** `roles` (quoted) to the login, in one statement. */
  async grantRoles(roles: string[], login: string): Promise<void> {
    await this.client.query(`GRANT ${roles.join(', ')} TO ${login}`);
  }

  /** School roles that exist but the login is not a member of (it was recreated by hand). */
  async schoolRolesMissing(role: string): Promise<string[]> {
    const missing = await this.client.query<{ db_role: string }>(
      `SELECT o.db_role FROM public.organizations o
        WHERE EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = o.db_role)
          AND NOT pg_has_role($1, o.db_role, 'MEMBER')`,
      [role],
    );
    return missing.rows.map((row) => row.db_role);
  }

  /**
   * TEMPORARY from PUBLIC to the owner account by name (see withholdTemporaryObjects);
   * `database` is quoted.
   */
  async withholdTemporary(database: string): Promise<void> {
    await this.client.query(`REVOKE TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    await this.client.query(`GRANT TEMPORARY ON DATABASE ${database} TO CURRENT_USER`);
  }

  /** The database's name, quoted as an identifier. */
  async currentDatabase(): Promise<string> {
    const current = await this.client.query<{ name: string }>('SELECT current_database() AS name');
    return this.client.escapeIdentifier(current.rows[0].name);
  }

  async temporaryPrivileges(role: string): Promise<{ login: boolean; everyone: boolean }> {
    const left = await this.client.query<{ login: boolean; everyone: boolean }>(
      `SELECT has_database_privilege($1, current_database(), 'TEMPORARY') AS login,
              has_database_privilege('public', current_database(), 'TEMPORARY') AS everyone`,
      [role],
    );
    return left.rows[0];
  }
}
