import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The school's audit trail: `audit_events`, append-only for the school's role (it may insert
 * and read; UPDATE and DELETE are revoked from every role granted them, so only the owner
 * account, in the retention sweep and when a purge pseudonymises, ever changes a row).
 *
 * Row changes are written by ONE generic trigger function, `audit_changes()`, attached per
 * table as three statement-level AFTER triggers (insert, update, delete) with transition
 * tables: a statement that writes 800 rows adds one INSERT ... SELECT, not 800 calls. Its
 * arguments name the entity type, the key columns (one or two, joined with '/' into
 * `entity_id`) and the column naming the person the row is about (`person_id`, which
 * `/students/:id/history` and a purge's pseudonymising read), and the bookkeeping columns an
 * UPDATE's diff leaves out (who saved and when: a register saved again unchanged is no change).
 *
 * Who and where come from transaction settings that ride in the request's opening message
 * (`schoolyard.actor`: the account id; `schoolyard.request_id`; `schoolyard.client`: the
 * client's address), so capturing them costs no round trip. The actor's profile in this school
 * is looked up on the first audited write and kept in `schoolyard.actor_profile` as
 * '<account>:<profile or ->', so a transaction that switches actor looks it up again.
 *
 * The functions carry the school's schema as their search_path, so a write that reaches the
 * tables by qualified name from another path (the owner account) is still recorded here.
 *
 * An UPDATE records only the fields it changed (before and after); a row that changed nothing
 * but `updated_at` and the table's bookkeeping columns records nothing. A row whose key changed
 * does not pair with itself: it is recorded as deleted (old row) and created (new row). Columns whose names say password, token, secret,
 * hash, signature, api key, credential, sealed, or have an otp/pin word part, never enter a row.
 *
 * Application events (sign-in, activation, password reset, deactivation, credential-slip
 * views) are inserted by the application with `entity_type` and `action` of their own.
 */
export class AuditTrail1763900001100 implements MigrationInterface {
  name = 'AuditTrail1763900001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_events (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        at               timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Soft link to the platform's users (the account that acted); NULL for jobs and the CLI.
        actor_account_id uuid,
        -- The actor's profile here when the event was written (kept if the profile goes).
        actor_profile_id uuid,
        request_id       text,
        client_address   text,
        -- created, updated, deleted for row changes; signed_in, activated, ... for events.
        action           text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
        entity_type      text NOT NULL CHECK (length(entity_type) BETWEEN 1 AND 64),
        entity_id        text,
        -- The person the entry is about (a student's, guardian's or staff member's profile).
        person_id        uuid,
        before           jsonb,
        after            jsonb,
        details          jsonb
      );
      CREATE INDEX audit_events_at_idx ON audit_events (at);
      CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, at);
      CREATE INDEX audit_events_person_idx ON audit_events (person_id, at) WHERE person_id IS NOT NULL;
      CREATE INDEX audit_events_actor_idx ON audit_events (actor_account_id, at)
        WHERE actor_account_id IS NOT NULL;
      -- The list's actor filter and a purge's pseudonymising find the actor's profile here.
      CREATE INDEX audit_events_actor_profile_idx ON audit_events (actor_profile_id, at)
        WHERE actor_profile_id IS NOT NULL;

      -- Append-only: whoever the default privileges granted UPDATE or DELETE loses them.
      DO $revoke$
      DECLARE grantee text;
      BEGIN
        FOR grantee IN
          SELECT DISTINCT g.grantee FROM information_schema.role_table_grants g
           WHERE g.table_schema = current_schema() AND g.table_name = 'audit_events'
             AND g.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
             AND g.grantee <> current_user
        LOOP
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM %I', grantee);
        END LOOP;
      END
      $revoke$;

      -- The actor's profile in this school, looked up once per transaction and actor: the
      -- cache names the account it belongs to ('<account>:<profile or ->').
      CREATE FUNCTION audit_actor_profile(actor uuid) RETURNS uuid
        LANGUAGE plpgsql AS $fn$
      DECLARE
        cached text := current_setting('schoolyard.actor_profile', true);
        mine   text := actor::text || ':';
        found  uuid;
      BEGIN
        IF actor IS NULL THEN RETURN NULL; END IF;
        IF cached IS NOT NULL AND left(cached, length(mine)) = mine THEN
          cached := substr(cached, length(mine) + 1);
          RETURN CASE WHEN cached = '-' THEN NULL ELSE cached::uuid END;
        END IF;
        SELECT p.id INTO found FROM profiles p WHERE p.user_id = actor
         ORDER BY p.created_at LIMIT 1;
        PERFORM set_config('schoolyard.actor_profile', mine || coalesce(found::text, '-'), true);
        RETURN found;
      END
      $fn$;

      -- A row as jsonb without the fields that must never be kept.
      CREATE FUNCTION audit_fields(row_data jsonb) RETURNS jsonb
        LANGUAGE sql IMMUTABLE AS $fn$
        SELECT coalesce(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
          FROM jsonb_each(row_data) e
         WHERE e.key !~* '(password|token|secret|hash|signature|api_?key|credential|sealed)'
           AND e.key !~* '(^|_)(otp|pin)(_|$)'
      $fn$;

      -- TG_ARGV: entity type, key columns ('id' or 'a,b'), person column ('' for none),
      -- bookkeeping columns an UPDATE's diff leaves out ('' for none; updated_at always).
      CREATE FUNCTION audit_changes() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
      DECLARE
        actor      uuid := nullif(current_setting('schoolyard.actor', true), '')::uuid;
        request    text := nullif(current_setting('schoolyard.request_id', true), '');
        client     text := nullif(current_setting('schoolyard.client', true), '');
        kind       text := TG_ARGV[0];
        keys       text[] := string_to_array(TG_ARGV[1], ',');
        person_col text := nullif(TG_ARGV[2], '');
        unaudited  text[] := array_append(string_to_array(nullif(TG_ARGV[3], ''), ','), 'updated_at');
        profile    uuid := audit_actor_profile(actor);
      BEGIN
        IF TG_OP = 'INSERT' THEN
          INSERT INTO audit_events
            (actor_account_id, actor_profile_id, request_id, client_address, action,
             entity_type, entity_id, person_id, after)
          SELECT actor, profile, request, client, 'created', kind,
                 concat_ws('/', j ->> keys[1], j ->> keys[2]),
                 (j ->> person_col)::uuid, audit_fields(j)
            FROM (SELECT to_jsonb(r) AS j FROM audit_new r) n;
        ELSIF TG_OP = 'DELETE' THEN
          INSERT INTO audit_events
            (actor_account_id, actor_profile_id, request_id, client_address, action,
             entity_type, entity_id, person_id, before)
          SELECT actor, profile, request, client, 'deleted', kind,
                 concat_ws('/', j ->> keys[1], j ->> keys[2]),
                 (j ->> person_col)::uuid, audit_fields(j)
            FROM (SELECT to_jsonb(r) AS j FROM audit_old r) o;
        ELSE
          -- Rows pair by key. A pair records the fields it changed, bookkeeping left out; a row
          -- whose key changed pairs with nothing and is recorded as deleted plus created.
          INSERT INTO audit_events
            (actor_account_id, actor_profile_id, request_id, client_address, action,
             entity_type, entity_id, person_id, before, after)
          SELECT actor, profile, request, client,
                 CASE WHEN o.j IS NULL THEN 'created' WHEN n.j IS NULL THEN 'deleted'
                      ELSE 'updated' END,
                 kind, k, (coalesce(n.j, o.j) ->> person_col)::uuid,
                 CASE WHEN n.j IS NULL THEN audit_fields(o.j) WHEN o.j IS NOT NULL THEN d.before END,
                 CASE WHEN o.j IS NULL THEN audit_fields(n.j) WHEN n.j IS NOT NULL THEN d.after END
            FROM (SELECT concat_ws('/', j ->> keys[1], j ->> keys[2]) AS k, j
                    FROM (SELECT to_jsonb(r) AS j FROM audit_old r) x) o
            FULL JOIN
                 (SELECT concat_ws('/', j ->> keys[1], j ->> keys[2]) AS k, j
                    FROM (SELECT to_jsonb(r) AS j FROM audit_new r) x) n USING (k)
           CROSS JOIN LATERAL (
                 SELECT audit_fields(coalesce(jsonb_object_agg(e.key, e.value)
                          FILTER (WHERE e.value IS DISTINCT FROM n.j -> e.key), '{}'::jsonb)) AS before,
                        audit_fields(coalesce(jsonb_object_agg(e.key, n.j -> e.key)
                          FILTER (WHERE e.value IS DISTINCT FROM n.j -> e.key), '{}'::jsonb)) AS after
                   FROM jsonb_each(coalesce(o.j, '{}'::jsonb)) e
                  WHERE e.key <> ALL (unaudited)) d
           WHERE o.j IS NULL OR n.j IS NULL OR d.before <> '{}'::jsonb;
        END IF;
        RETURN NULL;
      END
      $fn$;

      -- A purged person's entries: personal fields (keys naming them, at any depth) become
      -- '[removed]' and the person's ids (profile, account), wherever written, pseudonyms.
      CREATE FUNCTION audit_redacted(data jsonb, person text, pseudonym text,
                                     account text, account_pseudonym text) RETURNS jsonb
        LANGUAGE plpgsql IMMUTABLE AS $fn$
      BEGIN
        IF data IS NULL THEN RETURN NULL; END IF;
        CASE jsonb_typeof(data)
          WHEN 'object' THEN
            RETURN (SELECT coalesce(jsonb_object_agg(e.key,
                      CASE WHEN e.key ~* '${PERSONAL_KEY}' AND e.value <> 'null'::jsonb
                           THEN to_jsonb('[removed]'::text)
                           ELSE audit_redacted(e.value, person, pseudonym, account,
                                               account_pseudonym) END), '{}'::jsonb)
                      FROM jsonb_each(data) e);
          WHEN 'array' THEN
            RETURN (SELECT coalesce(jsonb_agg(audit_redacted(e.value, person, pseudonym, account,
                                                             account_pseudonym)
                                              ORDER BY e.n), '[]'::jsonb)
                      FROM jsonb_array_elements(data) WITH ORDINALITY AS e(value, n));
          WHEN 'string' THEN
            RETURN to_jsonb(audit_renamed(data #>> '{}', person, pseudonym, account,
                                          account_pseudonym));
          ELSE RETURN data;
        END CASE;
      END
      $fn$;

      CREATE FUNCTION audit_renamed(value text, person text, pseudonym text,
                                    account text, account_pseudonym text) RETURNS text
        LANGUAGE sql IMMUTABLE AS $fn$
        SELECT CASE WHEN account IS NULL THEN replace(value, person, pseudonym)
                    ELSE replace(replace(value, person, pseudonym), account, account_pseudonym) END
      $fn$;

      -- Purging a student: their entries stay (counted, dated, who did what) but no longer
      -- say who the student was. The school's role may not UPDATE audit_events, so this runs
      -- as the owner; it refuses anyone but a student whose row is gone and whose deletion the
      -- trail holds (it cannot blank a living person's trail). It rewrites only the entries
      -- about the student (person_id), made as them (their profile or account: the account's
      -- id and address go) and their account's role assignments, found by index, never a
      -- scan of the table's text. An account that is still someone here is left out.
      -- Answers the rows it changed.
      CREATE FUNCTION audit_pseudonymise_student(student uuid, account uuid) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER AS $fn$
      DECLARE
        pseudonym text := gen_random_uuid()::text;
        account_pseudonym text := gen_random_uuid()::text;
        person    text := student::text;
        gone_account uuid := account;
        changed   integer;
      BEGIN
        IF student IS NULL
           OR EXISTS (SELECT 1 FROM students s WHERE s.profile_id = student)
           OR EXISTS (SELECT 1 FROM profiles p WHERE p.id = student)
           OR NOT EXISTS (SELECT 1 FROM audit_events a
                           WHERE a.entity_type = 'student' AND a.entity_id = person
                             AND a.action = 'deleted') THEN
          RAISE EXCEPTION 'only a purged student''s audit entries may be pseudonymised'
            USING ERRCODE = '42501';
        END IF;
        IF EXISTS (SELECT 1 FROM profiles p WHERE p.user_id = account) THEN
          gone_account := NULL;
        END IF;
        UPDATE audit_events a
           SET person_id = CASE WHEN a.person_id = student THEN pseudonym::uuid ELSE a.person_id END,
               actor_profile_id = CASE WHEN a.actor_profile_id = student THEN pseudonym::uuid
                                       ELSE a.actor_profile_id END,
               actor_account_id = CASE WHEN a.actor_account_id = gone_account THEN NULL
                                       ELSE a.actor_account_id END,
               client_address = CASE WHEN a.actor_account_id = gone_account
                                       OR a.actor_profile_id = student THEN NULL
                                     ELSE a.client_address END,
               entity_id = audit_renamed(a.entity_id, person, pseudonym, gone_account::text,
                                         account_pseudonym),
               before = audit_redacted(a.before, person, pseudonym, gone_account::text,
                                       account_pseudonym),
               after = audit_redacted(a.after, person, pseudonym, gone_account::text,
                                      account_pseudonym),
               details = audit_redacted(a.details, person, pseudonym, gone_account::text,
                                        account_pseudonym)
         WHERE a.person_id = student OR a.actor_profile_id = student
            OR (a.entity_type = 'role_assignment' AND a.entity_id LIKE gone_account::text || '/%')
            OR a.actor_account_id = gone_account;
        GET DIAGNOSTICS changed = ROW_COUNT;
        RETURN changed;
      END
      $fn$;

      -- Writes that name a school's tables by schema (the owner, maintenance) still find the
      -- school's own audit table and profiles: the functions carry the school's path. Only the
      -- school's role (the one the schema's usage is granted to) may pseudonymise.
      DO $path$
      DECLARE grantee regrole;
      BEGIN
        EXECUTE format('ALTER FUNCTION audit_changes() SET search_path = %I, pg_temp', current_schema());
        EXECUTE format('ALTER FUNCTION audit_actor_profile(uuid) SET search_path = %I, pg_temp',
                       current_schema());
        EXECUTE format('ALTER FUNCTION audit_redacted(jsonb, text, text, text, text)
                          SET search_path = %I, pg_temp', current_schema());
        EXECUTE format('ALTER FUNCTION audit_renamed(text, text, text, text, text)
                          SET search_path = %I, pg_temp', current_schema());
        EXECUTE format('ALTER FUNCTION audit_pseudonymise_student(uuid, uuid)
                          SET search_path = %I, pg_temp', current_schema());
        REVOKE ALL ON FUNCTION audit_pseudonymise_student(uuid, uuid) FROM PUBLIC;
        FOR grantee IN
          SELECT DISTINCT acl.grantee::regrole
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) acl
           WHERE n.nspname = current_schema() AND acl.privilege_type = 'USAGE'
             AND acl.grantee <> n.nspowner AND acl.grantee <> 0
        LOOP
          EXECUTE format('GRANT EXECUTE ON FUNCTION audit_pseudonymise_student(uuid, uuid) TO %s', grantee);
        END LOOP;
      END
      $path$;
    `);
    for (const [table, entity, keys, person, bookkeeping] of AUDITED_TABLES) {
      const args = `'${entity}', '${keys}', '${person}', '${bookkeeping}'`;
      await db.query(`
        CREATE TRIGGER ${table}_audit_insert AFTER INSERT ON ${table}
          REFERENCING NEW TABLE AS audit_new
          FOR EACH STATEMENT EXECUTE FUNCTION audit_changes(${args});
        CREATE TRIGGER ${table}_audit_update AFTER UPDATE ON ${table}
          REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new
          FOR EACH STATEMENT EXECUTE FUNCTION audit_changes(${args});
        CREATE TRIGGER ${table}_audit_delete AFTER DELETE ON ${table}
          REFERENCING OLD TABLE AS audit_old
          FOR EACH STATEMENT EXECUTE FUNCTION audit_changes(${args});
      `);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const [table] of AUDITED_TABLES) {
      await db.query(`
        DROP TRIGGER ${table}_audit_insert ON ${table};
        DROP TRIGGER ${table}_audit_update ON ${table};
        DROP TRIGGER ${table}_audit_delete ON ${table};
      `);
    }
    await db.query(`
      DROP FUNCTION audit_pseudonymise_student(uuid, uuid);
      DROP FUNCTION audit_redacted(jsonb, text, text, text, text);
      DROP FUNCTION audit_renamed(text, text, text, text, text);
      DROP FUNCTION audit_changes();
      DROP FUNCTION audit_fields(jsonb);
      DROP FUNCTION audit_actor_profile(uuid);
      DROP TABLE audit_events;
    `);
  }
}

/**
 * Keys of a row or an event's details that say who a person is, or what they wrote: on a
 * purged student's entries their values become '[removed]'. Matched without case anywhere in
 * the key, so `guardianEmail`, `firstName` and `user_id` are caught (and a few keys that only
 * look personal, such as `file_name`: only the purged person's entries are rewritten).
 */
const PERSONAL_KEY =
  '(first_?name|middle_?name|last_?name|full_?name|display_?name|name|email|username|phone|mobile|birth|gender|admission_?number|user_?id|account_?id|note|feedback|reason|comment|address|body)';

/**
 * The tables whose changes matter: [table, entity type, key columns, person column,
 * bookkeeping columns]. The entity types are what `GET /api/audit-events?entityType=` filters
 * on. Bookkeeping columns (besides `updated_at`, always left out) are rewritten by a save even
 * when nothing changed (who recorded a register, when marks were entered, when a grade was
 * given again): an UPDATE's diff leaves them out, so saving the same thing again records
 * nothing, and a real change still carries them in neither before nor after.
 */
export const AUDITED_TABLES: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['profiles', 'profile', 'id', 'id', ''],
  ['students', 'student', 'profile_id', 'profile_id', ''],
  ['staff', 'staff', 'profile_id', 'profile_id', ''],
  ['guardians', 'guardian', 'profile_id', 'profile_id', ''],
  ['student_guardians', 'guardian_link', 'student_id,guardian_id', 'student_id', ''],
  // Keyed on its own id: several memberships may share a section and student (0700 migration).
  ['section_students', 'enrolment', 'id', 'student_id', ''],
  ['roles', 'role', 'id', '', ''],
  ['role_permissions', 'role_permission', 'role_id,permission_code', '', ''],
  ['user_roles', 'role_assignment', 'user_id,role_id', '', ''],
  ['submissions', 'submission', 'id', 'student_id', 'graded_at'],
  ['exam_marks', 'exam_mark', 'paper_id,student_id', 'student_id', 'entered_at,entered_by'],
  [
    'attendance_records',
    'attendance_record',
    'session_id,student_id',
    'student_id',
    'recorded_at,recorded_by',
  ],
  ['fee_receipts', 'fee_receipt', 'id', 'student_id', ''],
  ['fee_credit_notes', 'fee_credit_note', 'id', 'student_id', ''],
  ['fee_refunds', 'fee_refund', 'id', 'student_id', ''],
];
