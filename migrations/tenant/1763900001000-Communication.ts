import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Communication: announcements, messages between the school and families, and the inbox with
 * its deliveries.
 *
 * - `announcements` name their audience by kind (the whole school, roles, levels, sections,
 *   the guardians of sections) and ids; publishing one (at `publish_at`) writes its
 *   `announcement_recipients` once, in one statement: the feed and the read receipts read them.
 * - `message_threads` are between staff and guardians (optionally about a student), between
 *   staff, or between staff and a student; `message_thread_participants` hold who is in a
 *   thread and how far each has read; `messages` are the posts.
 * - `notifications` (the inbox, since the attendance work) now tell every instance about a new
 *   row with `pg_notify('schoolyard_notifications', …)`, so a person's open event stream on
 *   any instance sees it without polling.
 * - `notification_preferences` switch a category off per channel (email, sms; in-app is always
 *   on); `notification_quiet_hours` hold a person's quiet hours in the school's time zone.
 * - `notification_deliveries` are what leaves by email or SMS: one per notification and
 *   channel, under an idempotency key, so a retried job never sends twice; `not_before` holds
 *   one until the quiet hours end. `contact_opt_outs` record addresses that opted out or
 *   proved invalid.
 * - The school chooses its channels (`school_settings.email_enabled`, `sms_enabled`).
 */
export class Communication1763900001000 implements MigrationInterface {
  name = 'Communication1763900001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE school_settings
        ADD COLUMN email_enabled boolean NOT NULL DEFAULT true,
        ADD COLUMN sms_enabled   boolean NOT NULL DEFAULT false;

      CREATE TABLE announcements (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
        audience_kind text NOT NULL
                      CHECK (audience_kind IN ('school', 'roles', 'levels', 'sections', 'section_guardians')),
        audience_ids  uuid[] NOT NULL DEFAULT '{}',
        channels      text[] NOT NULL DEFAULT '{in_app}',
        pinned        boolean NOT NULL DEFAULT false,
        publish_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz,
        -- Set when its recipients were written (at or after publish_at).
        published_at  timestamptz,
        recipients    integer,
        created_by    uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now(),
        CHECK ((audience_kind = 'school') = (cardinality(audience_ids) = 0)),
        CHECK (channels <@ ARRAY['in_app', 'email', 'sms'] AND 'in_app' = ANY (channels)),
        CHECK (expires_at IS NULL OR expires_at > publish_at)
      );
      CREATE INDEX announcements_due_idx ON announcements (publish_at) WHERE published_at IS NULL;

      CREATE TABLE announcement_recipients (
        announcement_id uuid NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
        profile_id      uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        read_at         timestamptz,
        PRIMARY KEY (announcement_id, profile_id)
      );
      CREATE INDEX announcement_recipients_profile_idx ON announcement_recipients (profile_id);

      CREATE TABLE message_threads (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind            text NOT NULL CHECK (kind IN ('staff_guardian', 'staff_staff', 'staff_student')),
        subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        student_id      uuid REFERENCES students (profile_id) ON DELETE SET NULL,
        created_by      uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        last_message_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX message_threads_kind_idx ON message_threads (kind, last_message_at DESC);

      CREATE TABLE message_thread_participants (
        thread_id    uuid NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
        profile_id   uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        joined_at    timestamptz NOT NULL DEFAULT now(),
        last_read_at timestamptz,
        PRIMARY KEY (thread_id, profile_id)
      );
      CREATE INDEX message_thread_participants_profile_idx
        ON message_thread_participants (profile_id);

      CREATE TABLE messages (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        thread_id  uuid NOT NULL REFERENCES message_threads (id) ON DELETE CASCADE,
        author_id  uuid REFERENCES profiles (id) ON DELETE SET NULL,
        body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX messages_thread_idx ON messages (thread_id, created_at);

      CREATE TABLE notification_preferences (
        profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        category   text NOT NULL
                   CHECK (category IN ('announcement', 'message', 'attendance', 'results', 'fees')),
        channel    text NOT NULL CHECK (channel IN ('email', 'sms')),
        enabled    boolean NOT NULL,
        PRIMARY KEY (profile_id, category, channel)
      );

      CREATE TABLE notification_quiet_hours (
        profile_id uuid PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
        starts_at  time NOT NULL,
        ends_at    time NOT NULL,
        CHECK (starts_at <> ends_at)
      );

      CREATE TABLE notification_deliveries (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
        profile_id      uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        channel         text NOT NULL CHECK (channel IN ('email', 'sms')),
        -- '<notification id>:<channel>': what providers that take one are given, and what
        -- keeps a retried job from writing or sending it twice.
        idempotency_key text NOT NULL UNIQUE,
        status          text NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
        -- Quiet hours move this to their end; retries move it on.
        not_before      timestamptz NOT NULL DEFAULT now(),
        attempts        integer NOT NULL DEFAULT 0,
        address         text,
        skip_reason     text CHECK (skip_reason IN
                          ('opted_out', 'no_address', 'invalid_address', 'quota', 'channel_off')),
        provider_ref    text,
        last_error      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        sent_at         timestamptz,
        CHECK ((status = 'skipped') = (skip_reason IS NOT NULL)),
        CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      );
      CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (not_before)
        WHERE status = 'pending';
      CREATE INDEX notification_deliveries_month_idx ON notification_deliveries (channel, sent_at)
        WHERE status = 'sent';

      CREATE TABLE contact_opt_outs (
        channel     text NOT NULL CHECK (channel IN ('email', 'sms')),
        address     text NOT NULL,
        reason      text NOT NULL CHECK (reason IN ('opted_out', 'invalid', 'bounced')),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (channel, address)
      );

      -- When a person's quiet hours (in the school's time zone) end, if they are in them now;
      -- NULL otherwise. Hours may run past midnight (22:00 to 06:30).
      CREATE FUNCTION quiet_hours_end(person uuid, at timestamptz DEFAULT now())
        RETURNS timestamptz LANGUAGE sql STABLE AS $$
        SELECT CASE
                 WHEN q.starts_at < q.ends_at AND local.t >= q.starts_at AND local.t < q.ends_at
                   THEN (local.day + q.ends_at) AT TIME ZONE s.timezone
                 WHEN q.starts_at > q.ends_at AND local.t >= q.starts_at
                   THEN (local.day + 1 + q.ends_at) AT TIME ZONE s.timezone
                 WHEN q.starts_at > q.ends_at AND local.t < q.ends_at
                   THEN (local.day + q.ends_at) AT TIME ZONE s.timezone
               END
          FROM notification_quiet_hours q
          CROSS JOIN school_settings s
          CROSS JOIN LATERAL (SELECT (at AT TIME ZONE s.timezone)::date AS day,
                                     (at AT TIME ZONE s.timezone)::time AS t) local
         WHERE q.profile_id = person
      $$;

      -- Every instance LISTENs once; the schema names the school. The payload carries what a
      -- stream shows, so an instance pushes it without a query.
      CREATE FUNCTION notifications_announce() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('schoolyard_notifications', json_build_object(
          'schema', current_schema(), 'profileId', NEW.profile_id, 'id', NEW.id,
          'category', NEW.category, 'title', left(NEW.title, 200),
          'createdAt', NEW.created_at)::text);
        RETURN NULL;
      END $$;
      CREATE TRIGGER notifications_announce AFTER INSERT ON notifications
        FOR EACH ROW EXECUTE FUNCTION notifications_announce();
    `);

    // --- Part G (deliveries): an SMS is marked 'sending' in a committed step before the
    // provider is called, so a job retried after a crash never sends it again; `not_before`
    // then holds when it was claimed.
    await db.query(`
      ALTER TABLE notification_deliveries DROP CONSTRAINT notification_deliveries_status_check,
        ADD CONSTRAINT notification_deliveries_status_check
          CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped'));
      CREATE INDEX notification_deliveries_sending_idx ON notification_deliveries (not_before)
        WHERE status = 'sending';
    `);
    // --- end of part G
  }

  async down(db: QueryRunner): Promise<void> {
    // Part G's block goes with the table below.
    await db.query(`
      DROP TRIGGER notifications_announce ON notifications;
      DROP FUNCTION notifications_announce();
      DROP FUNCTION quiet_hours_end(uuid, timestamptz);
      DROP TABLE contact_opt_outs, notification_deliveries, notification_quiet_hours,
        notification_preferences, messages, message_thread_participants, message_threads,
        announcement_recipients, announcements;
      ALTER TABLE school_settings DROP COLUMN email_enabled, DROP COLUMN sms_enabled;
    `);
  }
}
