import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { notFound } from './academics.errors';
import { type MembershipView, type RosterView } from './dto/enrolment.dto';

/*
 * A membership (a row of section_students) covers the days joined_on <= day < left_on, and
 * every day from joined_on while left_on is null. joined_on is never in the future and left_on
 * never later than today, so "in the section now" is simply `left_on IS NULL`.
 */

/**
 * Membership row `alias` (of `section_students`) covered the day `day` (an SQL expression of
 * type date): it runs from joined_on until the day before left_on. The one definition every
 * library uses (rosters, registers, reports).
 */
export const membershipHeldOn = (alias: string, day: string) =>
  `${alias}.joined_on <= ${day} AND (${alias}.left_on IS NULL OR ${alias}.left_on > ${day})`;

const heldOn = (day: string) => membershipHeldOn('ss', day);

/**
 * A condition on `section_students ss`: a membership of section `section` that covered the
 * day `day`, of a student who is active in the school. `section` and `day` are SQL expressions,
 * normally parameters (`'$1'`, `'$2::date'`), never input. For registers and other lists of
 * who was in a class on a date:
 *
 *   SELECT ss.student_id FROM section_students ss WHERE ${MEMBERS_ON_SQL('$1', '$2::date')}
 *
 * The student's status is today's (students keep no status history): a student withdrawn
 * from the school since then is left out of past days too.
 */
export const MEMBERS_ON_SQL = (section: string, day: string) =>
  `ss.section_id = ${section} AND ${heldOn(day)}
   AND EXISTS (SELECT 1 FROM students member
                WHERE member.profile_id = ss.student_id AND member.status = 'active')`;

/** The school's local date today, as SQL. */
const TODAY = `(SELECT (now() AT TIME ZONE timezone)::date FROM school_settings)`;

const isoDate = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;

/** The section as an enrolment sees it, locked FOR UPDATE. */
export interface LockedSection {
  capacity: number;
  /** Students in it now. */
  count: number;
  /** Its academic year's first day. */
  startsOn: string;
  /** The school's local date. */
  today: string;
}

/** A student asked for, whether they may be enrolled and whether they already are. */
export interface EnrolmentCandidate {
  id: string;
  status: string;
  /** In the section now. */
  enrolled: boolean;
  /** An earlier membership of the section ended after the day they would join. */
  overlaps: boolean;
}

/** A student's membership of a section that is open, locked FOR UPDATE. */
export interface OpenMembership {
  id: string;
  joinedOn: string;
  today: string;
}

interface RosterRow {
  section_id: string;
  on_date: string;
  id: string | null;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  admission_number: string;
  status: string;
  joined_on: string;
  left_on: string | null;
}

interface MembershipRow {
  id: string | null;
  section_id: string;
  section_name: string;
  year_id: string;
  year_name: string;
  level_id: string;
  level_name: string;
  joined_on: string;
  left_on: string | null;
}

/** Which students sit in which section, and from when until when they sat there. */
@Injectable()
export class EnrolmentRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Locks the section FOR UPDATE (enrolments and capacity changes queue behind each other)
   * and answers its capacity and how many students it holds. The count is a second statement
   * on purpose: read after the lock is granted, it sees the enrolments committed while this
   * one waited, which a subquery of the locking statement (its snapshot taken before the
   * wait) would not.
   */
  async lockSectionForEnrolment(sectionId: string): Promise<LockedSection> {
    const manager = this.tenant.manager;
    const section = await selectRow<Omit<LockedSection, 'count'>>(
      manager,
      `SELECT sec.capacity, ${isoDate('y.starts_on')} AS "startsOn", ${isoDate(TODAY)} AS today
         FROM sections sec JOIN academic_years y ON y.id = sec.academic_year_id
        WHERE sec.id = $1 FOR UPDATE OF sec`,
      [sectionId],
    );
    if (!section) throw notFound('section')();
    const enrolled = await selectRow<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM section_students WHERE section_id = $1 AND left_on IS NULL`,
      [sectionId],
    );
    return { ...section, count: enrolled?.n ?? 0 };
  }

  /**
   * The students of `studentIds` that exist, locked FOR KEY SHARE while they are enrolled,
   * with whether they would join on `joinedOn` before an earlier stay in the section ended.
   */
  findCandidates(
    sectionId: string,
    studentIds: string[],
    joinedOn: string,
  ): Promise<EnrolmentCandidate[]> {
    return selectRows<EnrolmentCandidate>(
      this.tenant.manager,
      `SELECT s.profile_id AS id, s.status,
              EXISTS (SELECT 1 FROM section_students ss
                       WHERE ss.section_id = $1 AND ss.student_id = s.profile_id
                         AND ss.left_on IS NULL) AS enrolled,
              EXISTS (SELECT 1 FROM section_students ss
                       WHERE ss.section_id = $1 AND ss.student_id = s.profile_id
                         AND ss.left_on > $3::date) AS overlaps
         FROM students s WHERE s.profile_id = ANY($2::uuid[]) FOR KEY SHARE OF s`,
      [sectionId, studentIds, joinedOn],
    );
  }

  /** Opens a membership from `joinedOn` for each student. */
  async insertEnrolments(sectionId: string, studentIds: string[], joinedOn: string): Promise<void> {
    await execute(
      this.tenant.manager,
      `INSERT INTO section_students (section_id, student_id, joined_on)
       SELECT $1, unnest($2::uuid[]), $3::date`,
      [sectionId, studentIds, joinedOn],
    );
  }

  /** The student's open membership of the section, locked FOR UPDATE; undefined if none. */
  lockOpenMembership(sectionId: string, studentId: string): Promise<OpenMembership | undefined> {
    return selectRow<OpenMembership>(
      this.tenant.manager,
      `SELECT ss.id, ${isoDate('ss.joined_on')} AS "joinedOn", ${isoDate(TODAY)} AS today
         FROM section_students ss
        WHERE ss.section_id = $1 AND ss.student_id = $2 AND ss.left_on IS NULL
          FOR UPDATE`,
      [sectionId, studentId],
    );
  }

  /** Ends the membership: `leftOn` is the first day the student is no longer in the section. */
  async closeMembership(id: string, leftOn: string): Promise<void> {
    await execute(this.tenant.manager, `UPDATE section_students SET left_on = $2 WHERE id = $1`, [
      id,
      leftOn,
    ]);
  }

  async deleteMembership(id: string): Promise<void> {
    await execute(this.tenant.manager, `DELETE FROM section_students WHERE id = $1`, [id]);
  }

  /**
   * The students who were in the section on `on` (default the school's today), whatever their
   * status now; undefined when there is no such section. One statement, sent with the COMMIT:
   * the section and its members come back together (a section without members is one row of
   * nulls), so a roster costs one round trip however many students it lists.
   */
  async roster(sectionId: string, on: string | undefined): Promise<RosterView | undefined> {
    const rows = await this.tenant.finalQuery<RosterRow[]>(
      `WITH roster_day AS (SELECT coalesce($2::date, ${TODAY}) AS on_date)
       SELECT sec.id AS section_id, ${isoDate('roster_day.on_date')} AS on_date, m.*
         FROM sections sec CROSS JOIN roster_day
         LEFT JOIN LATERAL (
           SELECT s.profile_id AS id, p.first_name, p.middle_name, p.last_name,
                  s.admission_number, s.status,
                  ${isoDate('ss.joined_on')} AS joined_on, ${isoDate('ss.left_on')} AS left_on
             FROM section_students ss
             JOIN students s ON s.profile_id = ss.student_id
             JOIN profiles p ON p.id = s.profile_id
            WHERE ss.section_id = sec.id AND ${heldOn('roster_day.on_date')}) m ON true
        WHERE sec.id = $1
        ORDER BY m.last_name, m.first_name, m.id`,
      [sectionId, on ?? null],
    );
    const first = rows[0];
    if (!first) return undefined;
    return {
      sectionId: first.section_id,
      on: first.on_date,
      students: rows
        .filter((row) => row.id !== null)
        .map((row) => ({
          id: row.id!,
          firstName: row.first_name,
          middleName: row.middle_name,
          lastName: row.last_name,
          admissionNumber: row.admission_number,
          status: row.status,
          joinedOn: row.joined_on,
          leftOn: row.left_on,
        })),
    };
  }

  /**
   * Every stay of the student in a section, latest first; undefined when there is no such
   * student. One statement, sent with the COMMIT.
   */
  async membershipsOf(studentId: string): Promise<MembershipView[] | undefined> {
    const rows = await this.tenant.finalQuery<MembershipRow[]>(
      `SELECT m.*
         FROM students st
         LEFT JOIN LATERAL (
           SELECT ss.id, sec.id AS section_id, sec.name AS section_name,
                  y.id AS year_id, y.name AS year_name, l.id AS level_id, l.name AS level_name,
                  ${isoDate('ss.joined_on')} AS joined_on, ${isoDate('ss.left_on')} AS left_on
             FROM section_students ss
             JOIN sections sec ON sec.id = ss.section_id
             JOIN academic_years y ON y.id = sec.academic_year_id
             JOIN academic_levels l ON l.id = sec.level_id
            WHERE ss.student_id = st.profile_id) m ON true
        WHERE st.profile_id = $1
        ORDER BY m.joined_on DESC, lower(m.section_name), m.id`,
      [studentId],
    );
    if (rows.length === 0) return undefined;
    return rows
      .filter((row) => row.id !== null)
      .map((row) => ({
        id: row.id!,
        section: { id: row.section_id, name: row.section_name },
        academicYear: { id: row.year_id, name: row.year_name },
        level: { id: row.level_id, name: row.level_name },
        joinedOn: row.joined_on,
        leftOn: row.left_on,
        current: row.left_on === null,
      }));
  }
}
