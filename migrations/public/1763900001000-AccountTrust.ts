import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The account model that crosses schools: emails are proved by their holder, a school links
 * an existing account only when its holder accepts, and mail leaves through an outbox.
 *
 * - `email_verified_at`: an email is unique among verified accounts only, so an unverified
 *   claim (anyone can type any address at registration) never blocks the real holder.
 * - `account_tokens`: single-use, expiring tokens mailed to a holder (verify an email, accept
 *   a school's link, reset a password). Only a SHA-256 of the token is stored.
 * - `school_memberships.via`: how the account came to this school. A school may reset the
 *   password of an account it created, never of one whose holder linked it by consent.
 * - `mail_outbox`: a message is a row written in the transaction of the change that causes
 *   it, delivered later by a job; a rolled-back change sends nothing. Rows carry a template
 *   name and its parameters, so SQL run inside a school cannot write a message's text.
 *
 * School roles reach none of these tables; what a school may do goes through the SECURITY
 * DEFINER functions below, which work out the calling school from the role in force.
 */
export class AccountTrust1763900001000 implements MigrationInterface {
  name = 'AccountTrust1763900001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
      -- Platform admins were made by an operator with an address they hold.
      UPDATE users SET email_verified_at = now() WHERE is_platform_admin AND email IS NOT NULL;
      DROP INDEX users_email_key;
      CREATE UNIQUE INDEX users_verified_email_key ON users (lower(email))
        WHERE email_verified_at IS NOT NULL;
      CREATE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL;

      ALTER TABLE school_memberships
        ADD COLUMN via text NOT NULL DEFAULT 'created'
          CHECK (via IN ('created', 'registered', 'consented'));

      CREATE TABLE account_tokens (
        token_hash      bytea PRIMARY KEY,
        purpose         text NOT NULL CHECK (purpose IN ('verify_email', 'link_school', 'reset_password')),
        user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- The address the token was mailed to: a verification proves this address only.
        email           text NOT NULL,
        organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
        profile_id      uuid,
        created_at      timestamptz NOT NULL DEFAULT now(),
        expires_at      timestamptz NOT NULL,
        used_at         timestamptz
      );
      CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);
      CREATE INDEX account_tokens_expiry_idx ON account_tokens (expires_at);

      CREATE TABLE mail_outbox (
        id              bigserial PRIMARY KEY,
        recipient       text NOT NULL,
        template        text NOT NULL,
        params          jsonb NOT NULL DEFAULT '{}',
        organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        queued_at       timestamptz,
        sent_at         timestamptz,
        attempts        integer NOT NULL DEFAULT 0,
        last_error      text
      );
      CREATE INDEX mail_outbox_unsent_idx ON mail_outbox (id) WHERE sent_at IS NULL;

      -- Wakes the dispatcher at commit (NOTIFY is delivered only if the transaction commits).
      CREATE FUNCTION notify_mail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('mail_outbox', NEW.id::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER mail_outbox_notify AFTER INSERT ON mail_outbox
        FOR EACH ROW EXECUTE FUNCTION notify_mail_outbox();

      -- Accounts no longer map to ids by email for schools, and linking needs consent.
      DROP FUNCTION accounts_by_email(text[]);
      DROP FUNCTION link_school_accounts(uuid[]);

      -- A school's accounts: the ones it created, or whose holder accepted its link.
      DROP FUNCTION school_accounts(uuid[]);
      CREATE FUNCTION school_accounts(ids uuid[])
        RETURNS TABLE (id uuid, email text, must_change_password boolean, is_active boolean,
                       last_login_at timestamptz, temporary_password text, via text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT u.id, u.email, u.must_change_password, u.is_active, u.last_login_at,
               CASE WHEN u.temporary_password_school = m.organization_id THEN u.temporary_password END,
               m.via
          FROM public.users u
          JOIN public.school_memberships m ON m.user_id = u.id AND m.organization_id = public.calling_school()
         WHERE u.id = ANY(ids)
      $$;

      -- The hash format the platform writes (argon2id, version 19), with parameters bounded so
      -- that a hash handed in by SQL run inside a school cannot make one verification expensive.
      -- The hash format the platform writes (argon2id, version 19; the binding orders the
      -- parameters its own way, so they are read by name), with parameters bounded so that a
      -- hash handed in by SQL run inside a school cannot make one verification expensive.
      CREATE FUNCTION is_platform_password_hash(hash text) RETURNS boolean
        LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
      DECLARE
        parts text[];
        m int; t int; p int;
      BEGIN
        parts := regexp_match(hash,
          '^\\$argon2id\\$v=19\\$([mtp]=[0-9]{1,7},[mtp]=[0-9]{1,7},[mtp]=[0-9]{1,7})\\$[A-Za-z0-9+/]{11,64}\\$[A-Za-z0-9+/]{16,128}$');
        IF parts IS NULL THEN RETURN false; END IF;
        m := (regexp_match(parts[1], '(?:^|,)m=([0-9]+)'))[1]::int;
        t := (regexp_match(parts[1], '(?:^|,)t=([0-9]+)'))[1]::int;
        p := (regexp_match(parts[1], '(?:^|,)p=([0-9]+)'))[1]::int;
        -- A parameter named twice leaves another missing: NULL, which must read as false.
        RETURN coalesce(m BETWEEN 1024 AND 262144 AND t BETWEEN 1 AND 10 AND p BETWEEN 1 AND 8, false);
      END $$;

      DROP FUNCTION create_school_accounts(uuid[], text[], text[], text[], text[]);
      CREATE FUNCTION create_school_accounts(
          ids uuid[], global_usernames text[], emails text[], password_hashes text[],
          temporary_passwords text[])
        RETURNS TABLE (user_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE school uuid := public.calling_school();
      BEGIN
        IF EXISTS (SELECT 1 FROM unnest(password_hashes) AS h (hash)
                    WHERE NOT public.is_platform_password_hash(h.hash)) THEN
          RAISE EXCEPTION 'a password hash is not in the platform''s format'
            USING ERRCODE = 'invalid_parameter_value';
        END IF;
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
            INSERT INTO public.school_memberships AS m (user_id, organization_id, via)
            SELECT c.id, school, 'created' FROM created c
            RETURNING m.user_id
          )
          SELECT linked.user_id FROM linked;
      END $$;

      -- Invitations to link: for each person whose email a verified account holds (and who is
      -- not already this school's), a token mailed to that address. The token is made here, so
      -- the school never knows it; the school learns nothing back, not even whether anyone was
      -- invited. The link points at the school's primary host, read here: never a Host header.
      CREATE FUNCTION invite_account_links(profile_ids uuid[], emails text[], valid_for interval)
        RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        school uuid := public.calling_school();
        school_name text;
        school_host text;
        invite record;
        token text;
      BEGIN
        SELECT o.name INTO school_name FROM public.organizations o WHERE o.id = school;
        SELECT d.host INTO school_host FROM public.domains d
         WHERE d.organization_id = school ORDER BY d.is_primary DESC, d.created_at LIMIT 1;
        FOR invite IN
          SELECT a.profile_id, u.id AS user_id, u.email
            FROM unnest(profile_ids, emails) AS a (profile_id, email)
            JOIN public.users u ON lower(u.email) = lower(a.email) AND u.email_verified_at IS NOT NULL
           WHERE u.is_active
             AND NOT EXISTS (SELECT 1 FROM public.school_memberships m
                              WHERE m.user_id = u.id AND m.organization_id = school)
        LOOP
          -- Two random UUIDs: 244 random bits, from the server's strong random source.
          token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
          INSERT INTO public.account_tokens
            (token_hash, purpose, user_id, email, organization_id, profile_id, expires_at)
          VALUES (sha256(convert_to(token, 'UTF8')), 'link_school', invite.user_id,
                  invite.email, school, invite.profile_id,
                  now() + least(valid_for, interval '14 days'));
          INSERT INTO public.mail_outbox (recipient, template, params, organization_id)
          VALUES (invite.email, 'link-invitation',
                  jsonb_build_object('token', token, 'host', school_host, 'schoolName', school_name),
                  school);
        END LOOP;
      END $$;

      -- Accepting a link, inside the inviting school's transaction: consumes the token (once,
      -- before it expires) and links the account. The API has already proved the caller holds
      -- the account; the token was made by invite_account_links and only mailed, so a school
      -- cannot call this usefully.
      CREATE FUNCTION accept_account_link(token text)
        RETURNS TABLE (user_id uuid, profile_id uuid)
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        school uuid := public.calling_school();
        accepted record;
      BEGIN
        UPDATE public.account_tokens t SET used_at = now()
         WHERE t.token_hash = sha256(convert_to(token, 'UTF8'))
           AND t.purpose = 'link_school' AND t.organization_id = school
           AND t.used_at IS NULL AND t.expires_at > now()
        RETURNING t.user_id, t.profile_id INTO accepted;
        IF accepted.user_id IS NULL THEN RETURN; END IF;
        INSERT INTO public.school_memberships (user_id, organization_id, via)
        VALUES (accepted.user_id, school, 'consented')
        ON CONFLICT ON CONSTRAINT school_memberships_pkey DO UPDATE SET via = 'consented';
        RETURN QUERY SELECT accepted.user_id, accepted.profile_id;
      END $$;

      -- An account this school created, replaced by its holder's own account after a link was
      -- accepted: removed when no other school uses it.
      CREATE FUNCTION retire_school_account(id uuid) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE school uuid := public.calling_school();
      BEGIN
        DELETE FROM public.school_memberships m
         WHERE m.user_id = retire_school_account.id AND m.organization_id = school AND m.via = 'created';
        IF FOUND AND NOT EXISTS (SELECT 1 FROM public.school_memberships m
                                  WHERE m.user_id = retire_school_account.id) THEN
          DELETE FROM public.users u WHERE u.id = retire_school_account.id AND NOT u.is_platform_admin;
        END IF;
      END $$;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP FUNCTION retire_school_account(uuid), accept_account_link(text),
        invite_account_links(uuid[], text[], interval);
      DROP FUNCTION create_school_accounts(uuid[], text[], text[], text[], text[]);
      DROP FUNCTION is_platform_password_hash(text);
      DROP FUNCTION school_accounts(uuid[]);
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
      CREATE FUNCTION accounts_by_email(emails text[])
        RETURNS TABLE (id uuid, email text)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT u.id, e.email FROM unnest(emails) AS e (email)
          JOIN public.users u ON lower(u.email) = lower(e.email)
         WHERE public.calling_school() IS NOT NULL
      $$;
      DROP TRIGGER mail_outbox_notify ON mail_outbox;
      DROP FUNCTION notify_mail_outbox();
      DROP TABLE mail_outbox, account_tokens;
      ALTER TABLE school_memberships DROP COLUMN via;
      DROP INDEX users_email_idx;
      DROP INDEX users_verified_email_key;
      CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;
      ALTER TABLE users DROP COLUMN email_verified_at;
    `);
  }
}
