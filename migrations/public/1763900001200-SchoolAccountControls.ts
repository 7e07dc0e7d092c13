import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What a school may do to the accounts of its own people, beyond making them: close a
 * person's access here, and give a new temporary password to an account it made itself.
 *
 * Both run inside the school's transaction as SECURITY DEFINER functions that work out the
 * calling school from the role in force (`calling_school()`), and act only on accounts that
 * school holds. A school never resets the password of an account whose holder registered it
 * or linked it by consent (invariant 7): the holder does that by email.
 */
export class SchoolAccountControls1763900001200 implements MigrationInterface {
  name = 'SchoolAccountControls1763900001200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      -- The end of these accounts' access to the calling school, before their memberships go
      -- (unlink_school_accounts, in the same transaction): their sessions at this school end,
      -- and an account this school made that no other school uses is deactivated, since its
      -- holder has nothing else to sign in to (the users_deactivated trigger then ends every
      -- session it has). Accounts the school does not hold are left alone.
      CREATE FUNCTION end_school_access(ids uuid[]) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        school uuid := public.calling_school();
        ended uuid;
      BEGIN
        FOR ended IN
          WITH revoked AS (
            UPDATE public.auth_sessions s
               SET revoked_at = now(), revoked_reason = 'school_access_ended'
             WHERE s.organization_id = school AND s.user_id = ANY(ids) AND s.revoked_at IS NULL
               AND EXISTS (SELECT 1 FROM public.school_memberships m
                            WHERE m.user_id = s.user_id AND m.organization_id = school)
            RETURNING s.user_id)
          SELECT DISTINCT r.user_id FROM revoked r
        LOOP
          -- Every API instance drops the sessions it trusted from its cache.
          PERFORM pg_notify('auth_sessions', 'user:' || ended::text);
        END LOOP;

        UPDATE public.users u
           SET is_active = false, temporary_password = NULL, temporary_password_school = NULL,
               updated_at = now()
         WHERE u.id = ANY(ids) AND u.is_active AND NOT u.is_platform_admin
           AND EXISTS (SELECT 1 FROM public.school_memberships m
                        WHERE m.user_id = u.id AND m.organization_id = school AND m.via = 'created')
           AND NOT EXISTS (SELECT 1 FROM public.school_memberships m
                            WHERE m.user_id = u.id AND m.organization_id <> school);
      END $$;

      -- Invitations the calling school sent to link an account to these profiles, withdrawn
      -- when the school ends their access: accepting one later must not give it back.
      CREATE FUNCTION withdraw_link_invitations(profile_ids uuid[]) RETURNS void
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        DELETE FROM public.account_tokens t
         WHERE t.purpose = 'link_school' AND t.organization_id = public.calling_school()
           AND t.profile_id = ANY(profile_ids) AND t.used_at IS NULL
      $$;

      -- A new temporary password for an account the calling school created and no other school
      -- links. Answers 'created' when the password was changed; otherwise how the account came
      -- to this school, 'consented' when its holder also linked it elsewhere, or NULL when the
      -- school does not hold it. The membership row stays locked until the transaction ends, so
      -- a link accepted meanwhile (which turns 'created' into 'consented') waits for this one.
      CREATE FUNCTION reset_school_account_password(
          id uuid, password_hash text, temporary_password text)
        RETURNS text
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        school uuid := public.calling_school();
        found_via text;
      BEGIN
        IF NOT public.is_platform_password_hash(password_hash) THEN
          RAISE EXCEPTION 'a password hash is not in the platform''s format'
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT m.via INTO found_via FROM public.school_memberships m
         WHERE m.user_id = reset_school_account_password.id AND m.organization_id = school
           FOR UPDATE;
        IF found_via IS DISTINCT FROM 'created' THEN RETURN found_via; END IF;
        -- Another school links it only because its holder accepted that link: a password this
        -- school's office read off a slip would open the other school too. The holder resets
        -- it by email instead.
        IF EXISTS (SELECT 1 FROM public.school_memberships m
                    WHERE m.user_id = reset_school_account_password.id AND m.organization_id <> school) THEN
          RETURN 'consented';
        END IF;

        UPDATE public.users u
           SET password_hash = reset_school_account_password.password_hash,
               must_change_password = true,
               temporary_password = reset_school_account_password.temporary_password,
               temporary_password_school = school,
               failed_login_count = 0, updated_at = now()
         WHERE u.id = reset_school_account_password.id AND NOT u.is_platform_admin;
        IF NOT FOUND THEN RETURN NULL; END IF;

        -- Whoever held the old password is signed out everywhere.
        UPDATE public.auth_sessions s
           SET revoked_at = now(), revoked_reason = 'password_reset_by_school'
         WHERE s.user_id = reset_school_account_password.id AND s.revoked_at IS NULL;
        PERFORM pg_notify('auth_sessions', 'user:' || reset_school_account_password.id::text);
        RETURN found_via;
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION reset_school_account_password(uuid, text, text);
      DROP FUNCTION withdraw_link_invitations(uuid[]);
      DROP FUNCTION end_school_access(uuid[]);
    `);
  }
}
