import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The platform's own tables: the school registry, host names, global users, the fleet ledger. */
export class PlatformSchema1763900000000 implements MigrationInterface {
  name = 'PlatformSchema1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug        text NOT NULL UNIQUE,
        name        text NOT NULL,
        status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'archived')),
        schema_name text NOT NULL UNIQUE,
        db_role     text NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE domains (
        host            text PRIMARY KEY CHECK (host = lower(host)),
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        is_primary      boolean NOT NULL DEFAULT true,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX domains_organization_id_idx ON domains (organization_id)`);
    await db.query(`
      CREATE TABLE users (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        global_username      text NOT NULL UNIQUE,
        email                text,
        password_hash        text NOT NULL,
        must_change_password boolean NOT NULL DEFAULT false,
        is_active            boolean NOT NULL DEFAULT true,
        is_platform_admin    boolean NOT NULL DEFAULT false,
        failed_login_count   integer NOT NULL DEFAULT 0,
        last_failed_login_at timestamptz,
        last_login_at        timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE tenant_migration_ledger (
        organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        last_migration  text,
        state           text NOT NULL CHECK (state IN ('current', 'pending', 'migrating', 'failed')),
        last_error      text,
        attempted_at    timestamptz,
        migrated_at     timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX tenant_migration_ledger_last_migration_idx ON tenant_migration_ledger (last_migration)`,
    );

    // Every API instance keeps an in-process host cache; a change made by any writer
    // (the API, the CLI, a maintainer in psql) tells them all to drop the stale entry.
    await db.query(`
      CREATE FUNCTION notify_school_directory() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'organizations' THEN
          PERFORM pg_notify('school_directory', 'school:' || COALESCE(NEW.id, OLD.id));
        ELSE
          PERFORM pg_notify('school_directory', 'host:' || COALESCE(NEW.host, OLD.host));
          IF TG_OP = 'UPDATE' AND NEW.host IS DISTINCT FROM OLD.host THEN
            PERFORM pg_notify('school_directory', 'host:' || OLD.host);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER organizations_notify_directory AFTER UPDATE OR DELETE ON organizations
      FOR EACH ROW EXECUTE FUNCTION notify_school_directory()`);
    await db.query(`
      CREATE TRIGGER domains_notify_directory AFTER INSERT OR UPDATE OR DELETE ON domains
      FOR EACH ROW EXECUTE FUNCTION notify_school_directory()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE tenant_migration_ledger, users, domains, organizations`);
    await db.query(`DROP FUNCTION notify_school_directory()`);
  }
}
