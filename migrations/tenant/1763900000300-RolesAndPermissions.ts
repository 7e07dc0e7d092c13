import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Roles live in each school: Oxford's "Teacher" is not Cambridge's. The rows of
 * `permissions` and of the system roles are filled by the catalog sync that runs after the
 * migrations (see permission-catalog.sync.ts), not here, so a new permission never needs a
 * new migration.
 */
export class RolesAndPermissions1763900000300 implements MigrationInterface {
  name = 'RolesAndPermissions1763900000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE permissions (
        code        text PRIMARY KEY,
        module      text NOT NULL,
        description text NOT NULL
      );
      CREATE TABLE roles (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        system_key  text UNIQUE,
        name        text NOT NULL,
        description text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX roles_name_key ON roles (lower(name));
      CREATE TABLE role_permissions (
        role_id         uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        permission_code text NOT NULL REFERENCES permissions (code) ON DELETE CASCADE,
        PRIMARY KEY (role_id, permission_code)
      );
      -- user_id is a soft link to public.users (invariant 6: no foreign key out of the schema).
      CREATE TABLE user_roles (
        user_id    uuid NOT NULL,
        role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        is_active  boolean NOT NULL DEFAULT true,
        granted_by uuid,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role_id)
      );
      CREATE INDEX user_roles_role_id_idx ON user_roles (role_id);
      -- Every API instance caches who may do what; any change to these tables tells them all
      -- (delivered at commit, so a cache refilled after the notice sees the change). The
      -- function lives in the school's schema so the schema stays movable whole.
      CREATE FUNCTION access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('school_access', TG_TABLE_SCHEMA);
          RETURN NULL;
        END
      $$;
      CREATE TRIGGER roles_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
        ON roles FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
      CREATE TRIGGER role_permissions_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
        ON role_permissions FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
      CREATE TRIGGER user_roles_access_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
        ON user_roles FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE user_roles, role_permissions, roles, permissions;
      DROP FUNCTION access_changed();
    `);
  }
}
