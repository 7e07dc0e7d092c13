import { Injectable } from '@nestjs/common';
import { execute, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';

/*
 * The reads an import checks its rows against and the writes it makes, each one statement
 * whatever the number of rows: keys go in as arrays and rows come out of unnest(). Profiles get
 * what the office's create paths give them (libs/people insertPerson): kind, names, contact;
 * no local username and no account (portal activation stays a separate step).
 */

/** The school's today, in its time zone (as enrolment reads it). */
const TODAY = `(SELECT (now() AT TIME ZONE timezone)::date FROM school_settings)`;

export interface ExistingStudent {
  key: string;
  id: string;
  status: string;
  first_name: string;
  last_name: string;
}

export interface NewProfiles {
  ids: string[];
  firstNames: string[];
  middleNames: (string | null)[];
  lastNames: string[];
  emails: (string | null)[];
  datesOfBirth?: (string | null)[];
  genders?: (string | null)[];
}

export interface SectionFound {
  key: string;
  id: string;
  capacity: number;
  enrolled: number;
  /** The section's academic year begins after the school's today, when no one may join yet. */
  starts_on: string | null;
}

@Injectable()
export class ImportRowsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** Students by lower-case admission number. */
  studentsByAdmissionNumber(keys: string[]): Promise<ExistingStudent[]> {
    return selectRows<ExistingStudent>(
      this.tenant.manager,
      `SELECT lower(s.admission_number) AS key, s.profile_id AS id, s.status, p.first_name,
              p.last_name
         FROM students s JOIN profiles p ON p.id = s.profile_id
        WHERE lower(s.admission_number) = ANY($1::text[])`,
      [keys],
    );
  }

  /** Guardians by lower-case e-mail or by phone. */
  guardiansByKey(
    emails: string[],
    phones: string[],
  ): Promise<{ id: string; email: string | null; phone: string | null }[]> {
    return selectRows(
      this.tenant.manager,
      `SELECT g.profile_id AS id, lower(p.email) AS email, g.phone
         FROM guardians g JOIN profiles p ON p.id = g.profile_id
        WHERE lower(p.email) = ANY($1::text[]) OR g.phone = ANY($2::text[])`,
      [emails, phones],
    );
  }

  linksOf(guardianIds: string[]): Promise<{ student_id: string; guardian_id: string }[]> {
    return selectRows(
      this.tenant.manager,
      `SELECT student_id, guardian_id FROM student_guardians WHERE guardian_id = ANY($1::uuid[])`,
      [guardianIds],
    );
  }

  /** Staff by lower-case e-mail. */
  staffByEmail(emails: string[]): Promise<{ email: string }[]> {
    return selectRows(
      this.tenant.manager,
      `SELECT DISTINCT lower(p.email) AS email
         FROM staff st JOIN profiles p ON p.id = st.profile_id
        WHERE lower(p.email) = ANY($1::text[])`,
      [emails],
    );
  }

  /**
   * Sections by `year/level/section` names (lower case), with their capacity and how many
   * students they hold now. A level name shared by two programs finds two sections: the
   * caller refuses such a key as ambiguous.
   */
  sectionsByNames(keys: string[]): Promise<SectionFound[]> {
    return selectRows<SectionFound>(
      this.tenant.manager,
      `SELECT lower(y.name) || '/' || lower(l.name) || '/' || lower(sec.name) AS key,
              sec.id, sec.capacity,
              (SELECT count(*)::int FROM section_students ss
                WHERE ss.section_id = sec.id AND ss.left_on IS NULL) AS enrolled,
              CASE WHEN y.starts_on > ${TODAY} THEN to_char(y.starts_on, 'YYYY-MM-DD') END
                AS starts_on
         FROM sections sec
         JOIN academic_years y ON y.id = sec.academic_year_id
         JOIN academic_levels l ON l.id = sec.level_id
        WHERE lower(y.name) || '/' || lower(l.name) || '/' || lower(sec.name) = ANY($1::text[])`,
      [keys],
    );
  }

  /**
   * The students' memberships that decide a new one: open ones (already in), and ended ones
   * that ran past the school's today (joining again today would overlap them).
   */
  currentMemberships(
    studentIds: string[],
  ): Promise<{ section_id: string; student_id: string; open: boolean }[]> {
    return selectRows(
      this.tenant.manager,
      `SELECT section_id, student_id, left_on IS NULL AS open FROM section_students
        WHERE student_id = ANY($1::uuid[]) AND (left_on IS NULL OR left_on > ${TODAY})`,
      [studentIds],
    );
  }

  /** The profiles of new people of one kind, with the ids the import chose for them. */
  async insertProfiles(kind: 'student' | 'staff' | 'guardian', people: NewProfiles): Promise<void> {
    const none = people.ids.map(() => null);
    await execute(
      this.tenant.manager,
      `INSERT INTO profiles (id, kind, first_name, middle_name, last_name, email, date_of_birth, gender)
       SELECT t.id, $1, t.first_name, t.middle_name, t.last_name, t.email, t.date_of_birth, t.gender
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[])
              AS t(id, first_name, middle_name, last_name, email, date_of_birth, gender)`,
      [
        kind,
        people.ids,
        people.firstNames,
        people.middleNames,
        people.lastNames,
        people.emails,
        people.datesOfBirth ?? none,
        people.genders ?? none,
      ],
    );
  }

  async insertStudents(
    ids: string[],
    admissionNumbers: string[],
    admissionDates: (string | null)[],
    statuses: string[],
  ): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO students (profile_id, admission_number, admission_date, status)
       SELECT t.id, t.admission_number, coalesce(t.admission_date, ${TODAY}), t.status
         FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[])
              AS t(id, admission_number, admission_date, status)`,
      [ids, admissionNumbers, admissionDates, statuses],
    );
  }

  async insertStaff(
    ids: string[],
    jobTitles: string[],
    departments: (string | null)[],
    hireDates: (string | null)[],
    statuses: string[],
  ): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO staff (profile_id, job_title, department, hire_date, status)
       SELECT t.id, t.job_title, t.department, coalesce(t.hire_date, ${TODAY}), t.status
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[])
              AS t(id, job_title, department, hire_date, status)`,
      [ids, jobTitles, departments, hireDates, statuses],
    );
  }

  async insertGuardians(ids: string[], phones: (string | null)[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO guardians (profile_id, phone) SELECT * FROM unnest($1::uuid[], $2::text[])`,
      [ids, phones],
    );
  }

  async insertLinks(
    students: string[],
    guardians: string[],
    relationships: string[],
  ): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
      [students, guardians, relationships],
    );
  }

  /** Opens a membership from the school's today for each pair. */
  async insertMemberships(sections: string[], students: string[]): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO section_students (section_id, student_id, joined_on)
       SELECT t.section_id, t.student_id, ${TODAY}
         FROM unnest($1::uuid[], $2::uuid[]) AS t(section_id, student_id)`,
      [sections, students],
    );
  }
}
