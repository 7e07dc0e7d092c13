import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Accounts made by a school office (portal activation), and the bookkeeping that keeps soft
 * links sound.
 *
 * A school's transaction runs as the school's database role, which has no privilege on
 * `public.users`. The few things a school may do with global accounts are SECURITY DEFINER
 * functions that find the calling school from the transaction's `role` setting and touch only
 * accounts linked to that school: no role switching in request code, and one round trip each.
 * Their search_path puts pg_temp last and every name is qualified, so a temporary table
 * cannot stand in for `organizations`.
 *
 * `school_memberships` says which schools link an account, so the cascade that follows a
 * deleted or deactivated account visits those schools only. `account_events` is its outbox:
 * written by a trigger in the same transaction as the change, processed school by school, so
 * a crash midway leaves the rest to the next run.
 */
export class PortalAccounts1763900000500 implements MigrationInterface {
  name = 'PortalAccounts1763900000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users
        ADD COLUMN temporary_password text,
        ADD COLUMN temporary_password_school uuid REFERENCES organizations (id) ON DELETE SET NULL;

      CREATE TABLE school_memberships (
        user_id         uuid NOT NULL,
        organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        created_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, organization_id)
      );
      CREATE INDEX school_memberships_organization_idx ON school_memberships (organization_id);

      DO $$
      DECLARE school record;
      BEGIN
        FOR school IN SELECT id, schema_name FROM organizations LOOP
          EXECUTE format(
            'INSERT INTO school_memberships (user_id, organization_id)
             SELECT DISTINCT user_id, %L::uuid FROM %I.profiles WHERE user_id IS NOT NULL
             ON CONFLICT DO NOTHING', school.id, school.schema_name);
        END LOOP;
      END $$;

      CREATE TABLE account_events (
        id            bigserial PRIMARY KEY,
        user_id       uuid NOT NULL,
        kind          text NOT NULL CHECK (kind IN ('deleted', 'deactivated')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz,
        processed_at  timestamptz
      );
      CREATE INDEX account_events_pending_idx ON account_events (id) WHERE processed_at IS NULL;

      CREATE FUNCTION record_account_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO public.account_events (user_id, kind)
        VALUES (OLD.id, CASE WHEN TG_OP = 'DELETE' THEN 'deleted' ELSE 'deactivated' END);
        PERFORM pg_notify('account_events', OLD.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER users_deleted AFTER DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION record_account_event();
      CREATE TRIGGER users_deactivated AFTER UPDATE OF is_active ON users
        FOR EACH ROW WHEN (OLD.is_active AND NOT NEW.is_active)
        EXECUTE FUNCTION record_account_event();

      -- The school whose role this transaction runs as; none outside a school's transaction.
      CREATE FUNCTION calling_school() RETURNS uuid LANGUAGE plpgsql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE school uuid;
      BEGIN
        SELECT o.id INTO school FROM public.organizations o WHERE o.db_role = current_setting('role');
        IF school IS NULL THEN
          RAISE EXCEPTION 'not inside a school''s transaction' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN school;
      END $$;

      -- Accounts linked to the calling school; the temporary password only where this school issued it.
      CREATE FUNCTION school_accounts(ids uuid[])
        RETURNS TABLE (id uuid, email text, must_change_password boolean, is_active boolean,
                       last_login_at timestamptz, temporary_password text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT u.id, u.email, u.must_change_password, u.is_active, u.last_login_at,
               CASE WHEN u.temporary_password_school = m.organization_id THEN u.temporary_password END
          FROM public.users u
          JOIN public.school_memberships m ON m.user_id = u.id AND m.organization_id = public.calling_school()
         WHERE u.id = ANY(ids)
      $$;

      -- Which of these emails already have an account (anywhere), so activation links them.
      -- Answers the email as asked, so the caller matches it without re-implementing lower().
      CREATE FUNCTION accounts_by_email(emails text[])
        RETURNS TABLE (id uuid, email text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT u.id, e.email FROM unnest(emails) AS e (email)
          JOIN public.users u ON lower(u.email) = lower(e.email)
         WHERE public.calling_school() IS NOT NULL
      $$;

      -- New accounts made by the calling school, linked to it. A global username that is
      -- taken is skipped (not returned) so the caller retries it with new random digits.
      CREATE FUNCTION create_school_accounts(
          ids uuid[], global_usernames text[], emails text[], password_hashes text[],
          temporary_passwords text[])
        RETURNS TABLE (user_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE school uuid := public.calling_school();
      BEGIN
        RETURN QUERY
          WITH created AS (
            INSERT INTO public.users AS u (id, global_username, email, password_hash, must_change_password,
                                    temporary_password, temporary_password_school)
            SELECT a.id, a.global_username, a.email, a.password_hash, true, a.temporary_password, school
              FROM unnest(ids, global_usernames, emails, password_hashes, temporary_passwords)
                   AS a (id, global_username, email, password_hash, temporary_password)
            ON CONFLICT (global_username) DO NOTHING
            RETURNING u.id
          ), linked AS (
            INSERT INTO public.school_memberships AS m (user_id, organization_id)
            SELECT c.id, school FROM created c
            RETURNING m.user_id
          )
          SELECT linked.user_id FROM linked;
      END $$;

      CREATE FUNCTION link_school_accounts(ids uuid[]) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        INSERT INTO public.school_memberships (user_id, organization_id)
        SELECT u.id, public.calling_school() FROM public.users u WHERE u.id = ANY(ids)
        ON CONFLICT DO NOTHING
      $$;

      CREATE FUNCTION unlink_school_accounts(ids uuid[]) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        DELETE FROM public.school_memberships
         WHERE organization_id = public.calling_school() AND user_id = ANY(ids)
      $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION unlink_school_accounts(uuid[]), link_school_accounts(uuid[]),
        create_school_accounts(uuid[], text[], text[], text[], text[]), accounts_by_email(text[]),
        school_accounts(uuid[]), calling_school();
      DROP TRIGGER users_deactivated ON users;
      DROP TRIGGER users_deleted ON users;
      DROP FUNCTION record_account_event();
      DROP TABLE account_events, school_memberships;
      ALTER TABLE users DROP COLUMN temporary_password_school, DROP COLUMN temporary_password;
    `);
  }
}
