import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The school year and attendance.
 *
 * - `academic_years` (one current) hold `terms`; `calendar_events` mark holidays, closures
 *   and other days. Dates are the school's local dates (`date`, no time zone): a day is a
 *   day whatever daylight saving does to its length. Timed events keep local times.
 * - Sections point at an academic year. The free-text `academic_year` ('2025-2026') becomes a
 *   year of that name running 1 July to 30 June, which the school can correct.
 * - `section_students` keeps history: a membership runs from `joined_on` until the day before
 *   `left_on`, so the roster of any past day can be rebuilt. One open membership per student
 *   and section.
 * - `attendance_sessions` (daily, or one lesson of a subject in a period) hold one
 *   `attendance_records` row per student marked. `absence_notes` from guardians excuse
 *   absences once approved. An unexcused absence writes `attendance_alerts` (one per
 *   student, day and guardian) in the same transaction; a job sends them and writes the
 *   guardian's in-app `notifications` row.
 */
export class SchoolYearAndAttendance1763900000700 implements MigrationInterface {
  name = 'SchoolYearAndAttendance1763900000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      -- ISO weekdays (1 Monday .. 7 Sunday) the school rests; marking on them is refused.
      ALTER TABLE school_settings
        ADD COLUMN rest_days smallint[] NOT NULL DEFAULT '{6,7}'
          CHECK (rest_days <@ '{1,2,3,4,5,6,7}'::smallint[]),
        -- Days after a session's date its teacher may still change it (0: the same day only).
        ADD COLUMN attendance_edit_days smallint NOT NULL DEFAULT 0
          CHECK (attendance_edit_days BETWEEN 0 AND 60);

      CREATE TABLE academic_years (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name       text NOT NULL,
        starts_on  date NOT NULL,
        ends_on    date NOT NULL,
        is_current boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on > starts_on)
      );
      CREATE UNIQUE INDEX academic_years_name_key ON academic_years (lower(name));
      CREATE UNIQUE INDEX academic_years_current_key ON academic_years (is_current) WHERE is_current;
      CREATE INDEX academic_years_dates_idx ON academic_years (starts_on, ends_on);

      CREATE TABLE terms (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        academic_year_id uuid NOT NULL REFERENCES academic_years (id) ON DELETE CASCADE,
        name             text NOT NULL,
        starts_on        date NOT NULL,
        ends_on          date NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on)
      );
      CREATE UNIQUE INDEX terms_name_key ON terms (academic_year_id, lower(name));
      CREATE INDEX terms_dates_idx ON terms (starts_on, ends_on);

      -- ends_on is inclusive. Holidays and closures are whole days; other kinds may be timed
      -- (local times on starts_on .. ends_on, read in the school's time zone).
      CREATE TABLE calendar_events (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind        text NOT NULL
                    CHECK (kind IN ('holiday', 'closure', 'event', 'exam_period', 'parents_meeting')),
        title       text NOT NULL,
        description text,
        starts_on   date NOT NULL,
        ends_on     date NOT NULL,
        start_time  time,
        end_time    time,
        audience    text NOT NULL DEFAULT 'everyone'
                    CHECK (audience IN ('everyone', 'staff', 'students', 'guardians')),
        created_by  uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_on >= starts_on),
        CHECK ((start_time IS NULL) = (end_time IS NULL)),
        CHECK (start_time IS NULL OR kind NOT IN ('holiday', 'closure'))
      );
      CREATE INDEX calendar_events_dates_idx ON calendar_events (starts_on, ends_on);

      -- Sections: the free-text year becomes a reference, keeping every section's year.
      INSERT INTO academic_years (name, starts_on, ends_on)
      SELECT DISTINCT academic_year,
             make_date(split_part(academic_year, '-', 1)::int, 7, 1),
             make_date(split_part(academic_year, '-', 2)::int, 6, 30)
        FROM sections;
      ALTER TABLE sections ADD COLUMN academic_year_id uuid REFERENCES academic_years (id);
      UPDATE sections sec SET academic_year_id = y.id
        FROM academic_years y WHERE y.name = sec.academic_year;
      ALTER TABLE sections ALTER COLUMN academic_year_id SET NOT NULL;
      DROP INDEX sections_name_key;
      DROP INDEX sections_academic_year_idx;
      ALTER TABLE sections DROP COLUMN academic_year;
      CREATE UNIQUE INDEX sections_name_key ON sections (level_id, academic_year_id, lower(name));
      CREATE INDEX sections_academic_year_idx ON sections (academic_year_id);

      -- Enrolment history. Existing memberships joined on their enrolment's local date.
      ALTER TABLE section_students DROP CONSTRAINT section_students_pkey;
      ALTER TABLE section_students
        ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        ADD COLUMN joined_on date,
        ADD COLUMN left_on date;
      UPDATE section_students
         SET joined_on = (enrolled_at AT TIME ZONE (SELECT timezone FROM school_settings))::date;
      ALTER TABLE section_students
        ALTER COLUMN joined_on SET NOT NULL,
        ADD CHECK (left_on IS NULL OR left_on >= joined_on);
      CREATE UNIQUE INDEX section_students_current_key ON section_students (section_id, student_id)
        WHERE left_on IS NULL;
      CREATE INDEX section_students_section_idx ON section_students (section_id, joined_on);

      CREATE TABLE attendance_sessions (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        section_id   uuid NOT NULL REFERENCES sections (id),
        on_date      date NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('daily', 'lesson')),
        -- 0 for the daily register; a lesson's timetable period otherwise.
        period       smallint NOT NULL DEFAULT 0 CHECK (period BETWEEN 0 AND 24),
        subject_id   uuid REFERENCES subjects (id),
        created_by   uuid REFERENCES profiles (id) ON DELETE SET NULL,
        -- attendance.manage reopened it after the editing window, until the end of this day.
        unlocked_until date,
        unlocked_by  uuid REFERENCES profiles (id) ON DELETE SET NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'daily') = (subject_id IS NULL)),
        CHECK ((kind = 'daily') = (period = 0)),
        CONSTRAINT attendance_sessions_key UNIQUE (section_id, on_date, kind, period)
      );
      CREATE INDEX attendance_sessions_date_idx ON attendance_sessions (on_date);
      CREATE INDEX attendance_sessions_subject_idx ON attendance_sessions (subject_id);

      CREATE TABLE absence_notes (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id    uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        from_date     date NOT NULL,
        to_date       date NOT NULL,
        reason        text NOT NULL,
        status        text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'approved', 'rejected')),
        submitted_by  uuid REFERENCES profiles (id) ON DELETE SET NULL,
        decided_by    uuid REFERENCES profiles (id) ON DELETE SET NULL,
        decided_at    timestamptz,
        decision_note text,
        created_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (to_date >= from_date)
      );
      CREATE INDEX absence_notes_student_idx ON absence_notes (student_id, from_date);
      CREATE INDEX absence_notes_pending_idx ON absence_notes (created_at) WHERE status = 'pending';

      CREATE TABLE attendance_records (
        session_id    uuid NOT NULL REFERENCES attendance_sessions (id) ON DELETE CASCADE,
        student_id    uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        status        text NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
        late_minutes  smallint CHECK (late_minutes BETWEEN 1 AND 600),
        note          text,
        -- The approved note that excused this absence, if a note did.
        absence_note_id uuid REFERENCES absence_notes (id) ON DELETE SET NULL,
        recorded_by   uuid REFERENCES profiles (id) ON DELETE SET NULL,
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, student_id),
        CHECK ((status = 'late') = (late_minutes IS NOT NULL))
      );
      CREATE INDEX attendance_records_student_idx ON attendance_records (student_id);

      -- One alert per student, day and guardian, however often the register is saved.
      CREATE TABLE attendance_alerts (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        student_id   uuid NOT NULL REFERENCES students (profile_id) ON DELETE CASCADE,
        guardian_id  uuid NOT NULL REFERENCES guardians (profile_id) ON DELETE CASCADE,
        on_date      date NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        sent_at      timestamptz,
        -- The absence was excused or corrected before the alert went.
        cancelled_at timestamptz,
        CONSTRAINT attendance_alerts_key UNIQUE (student_id, on_date, guardian_id)
      );
      CREATE INDEX attendance_alerts_pending_idx ON attendance_alerts (created_at)
        WHERE sent_at IS NULL AND cancelled_at IS NULL;

      -- A person's in-app inbox. source_key names what caused a row, so a retried job
      -- writes it once.
      CREATE TABLE notifications (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        profile_id uuid NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
        category   text NOT NULL,
        title      text NOT NULL,
        body       text NOT NULL,
        data       jsonb NOT NULL DEFAULT '{}',
        source_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at    timestamptz,
        CONSTRAINT notifications_source_key UNIQUE (profile_id, source_key)
      );
      CREATE INDEX notifications_inbox_idx ON notifications (profile_id, created_at DESC);
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DROP TABLE notifications, attendance_alerts, attendance_records, absence_notes,
        attendance_sessions;
      DROP INDEX section_students_current_key, section_students_section_idx;
      DELETE FROM section_students WHERE left_on IS NOT NULL;
      ALTER TABLE section_students DROP COLUMN id, DROP COLUMN joined_on, DROP COLUMN left_on;
      ALTER TABLE section_students ADD PRIMARY KEY (section_id, student_id);
      ALTER TABLE sections ADD COLUMN academic_year text;
      UPDATE sections sec SET academic_year = y.name
        FROM academic_years y WHERE y.id = sec.academic_year_id;
      DROP INDEX sections_name_key, sections_academic_year_idx;
      ALTER TABLE sections DROP COLUMN academic_year_id;
      ALTER TABLE sections ALTER COLUMN academic_year SET NOT NULL;
      CREATE UNIQUE INDEX sections_name_key ON sections (level_id, academic_year, lower(name));
      CREATE INDEX sections_academic_year_idx ON sections (academic_year);
      DROP TABLE calendar_events, terms, academic_years;
      ALTER TABLE school_settings DROP COLUMN rest_days, DROP COLUMN attendance_edit_days;
    `);
  }
}
