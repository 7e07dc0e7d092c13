import { Injectable } from '@nestjs/common';
import { PlanLimits } from '@schoolyard/billing';
import {
  columnAssignments,
  likePattern,
  patchOf,
  queryPage,
  uniqueOr,
  updateRow,
} from '@schoolyard/common';
import { CallerAccess, forbidden } from '@schoolyard/rbac';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { type AccountView } from './dto/person.dto';
import {
  type EnrollStudentDto,
  type GuardianRefView,
  type StudentListQuery,
  type StudentPage,
  type StudentSort,
  type StudentView,
  type UpdateStudentDto,
} from './dto/students.dto';
import {
  accountsOfPeople,
  accountView,
  insertProfile,
  PERSON_COLUMNS,
  type PersonRow,
} from './people-rows';
import { admissionNumberTaken, personNotFound } from './people.errors';
import { PortalAccountControls } from './portal-account-controls.service';

interface StudentRow extends PersonRow {
  admission_number: string;
  admission_date: string;
  status: StudentView['status'];
  created_at: Date;
  updated_at: Date;
}

const STUDENT_COLUMNS = `${PERSON_COLUMNS},
  s.admission_number, s.admission_date::text AS admission_date, s.status, s.created_at, s.updated_at`;

function studentView(row: StudentRow, account: AccountView | null): StudentView {
  return {
    id: row.id,
    firstName: row.first_name,
    middleName: row.middle_name,
    lastName: row.last_name,
    email: row.email,
    dateOfBirth: row.date_of_birth,
    gender: row.gender,
    admissionNumber: row.admission_number,
    admissionDate: row.admission_date,
    status: row.status,
    account,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** $1 a status, $2 an ILIKE pattern, $3 a section (its enrolled students), each or null. */
const STUDENT_FILTER = `WHERE ($1::text IS NULL OR s.status = $1)
  AND ($2::text IS NULL OR p.first_name ILIKE $2 OR p.last_name ILIKE $2
       OR p.middle_name ILIKE $2 OR s.admission_number ILIKE $2
       OR (p.first_name || ' ' || p.last_name) ILIKE $2)
  AND ($3::uuid IS NULL OR EXISTS (
       SELECT 1 FROM section_students ss WHERE ss.section_id = $3 AND ss.student_id = s.profile_id))`;

/** Sort keys map to fixed SQL; the id breaks ties so pages never overlap. */
const ORDER_BY: Record<StudentSort, string> = {
  lastName: 'p.last_name, p.first_name',
  '-lastName': 'p.last_name DESC, p.first_name DESC',
  firstName: 'p.first_name, p.last_name',
  '-firstName': 'p.first_name DESC, p.last_name DESC',
  admissionNumber: 'lower(s.admission_number)',
  '-admissionNumber': 'lower(s.admission_number) DESC',
  admissionDate: 's.admission_date',
  '-admissionDate': 's.admission_date DESC',
  createdAt: 's.created_at',
  '-createdAt': 's.created_at DESC',
};

const PROFILE_FIELDS = {
  firstName: 'first_name',
  middleName: 'middle_name',
  lastName: 'last_name',
  email: 'email',
  dateOfBirth: 'date_of_birth',
  gender: 'gender',
} as const;

/** A PATCH may clear the optional fields with null, never these. */
const REQUIRED_FIELDS = [
  'firstName',
  'lastName',
  'admissionNumber',
  'admissionDate',
  'status',
] as const;

const STUDENT_FIELDS = {
  admissionNumber: 'admission_number',
  admissionDate: 'admission_date',
  status: 'status',
} as const;

const admissionNumberConflict = (admissionNumber: string) => ({
  students_admission_number_key: () => admissionNumberTaken(admissionNumber),
});

@Injectable()
export class StudentsService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly caller: CallerAccess,
    private readonly accounts: PortalAccountControls,
    private readonly limits: PlanLimits,
  ) {}

  /** The profile and the student record together, in the request's one transaction; no account yet. */
  async enroll(student: EnrollStudentDto): Promise<StudentView> {
    const manager = this.tenant.manager;
    await this.limits.assertRoomFor('students');
    const profileId = await insertProfile(manager, 'student', student);
    await uniqueOr(
      () =>
        manager.query(
          `INSERT INTO students (profile_id, admission_number, admission_date)
           VALUES ($1, $2, coalesce($3::date, current_date))`,
          [profileId, student.admissionNumber, student.admissionDate ?? null],
        ),
      admissionNumberConflict(student.admissionNumber),
    );
    return this.get(profileId);
  }

  /**
   * One query for the page (with its total), one for the linked accounts of the whole page:
   * the same two statements for 10 students or 100.
   */
  /**
   * The page, then its accounts if any of its people has one: that read is the handler's last,
   * so COMMIT goes with it (two writes in all, with or without accounts).
   */
  async list(query: StudentListQuery): Promise<StudentPage> {
    const manager = this.tenant.manager;
    const { rows, meta } = await queryPage<StudentRow>(
      manager,
      {
        select: STUDENT_COLUMNS,
        from: 'students s JOIN profiles p ON p.id = s.profile_id',
        where: STUDENT_FILTER,
        orderBy: `${ORDER_BY[query.sort]}, p.id`,
      },
      [query.status ?? null, likePattern(query.search), query.sectionId ?? null],
      query,
    );
    const accounts = await accountsOfPeople(manager, rows, (sql, parameters) =>
      this.tenant.finalQuery(sql, parameters),
    );
    return { data: rows.map((row) => studentView(row, accountView(row, accounts))), meta };
  }

  async get(id: string): Promise<StudentView> {
    const manager = this.tenant.manager;
    const [student] = await this.withAccounts(manager, await this.rows(manager, id));
    const guardians: Array<{
      id: string;
      first_name: string;
      last_name: string;
      relationship: string;
    }> = await manager.query(
      `SELECT p.id, p.first_name, p.last_name, sg.relationship
           FROM student_guardians sg JOIN profiles p ON p.id = sg.guardian_id
          WHERE sg.student_id = $1 ORDER BY p.last_name, p.first_name`,
      [id],
    );
    return {
      ...student,
      guardians: guardians.map((row): GuardianRefView => ({
        id: row.id,
        displayName: `${row.first_name} ${row.last_name}`,
        relationship: row.relationship,
      })),
    };
  }

  async update(id: string, changes: UpdateStudentDto): Promise<StudentView> {
    const manager = this.tenant.manager;
    // Checked over both tables at once; each then gets its own share of the change.
    patchOf(changes, { ...PROFILE_FIELDS, ...STUDENT_FIELDS }, REQUIRED_FIELDS);
    const profile = columnAssignments(changes, PROFILE_FIELDS);
    const student = columnAssignments(changes, STUDENT_FIELDS);
    const [current] = await this.rows(manager, id, true);
    // Back to active takes a place under the plan's limit, like an enrolment.
    if (changes.status === 'active' && current.status !== 'active') {
      await this.limits.assertRoomFor('students');
    }
    if (profile.columns.length) {
      await updateRow(manager, 'profiles', id, profile, {
        notFound: () => personNotFound('student'),
      });
    }
    await uniqueOr(
      () =>
        manager.query(
          `UPDATE students SET ${student.columns.length ? `${student.set(2)}, ` : ''}updated_at = now()
            WHERE profile_id = $1`,
          [id, ...student.values],
        ),
      admissionNumberConflict(changes.admissionNumber ?? ''),
    );
    return this.get(id);
  }

  /**
   * Withdraws by default. `permanent` deletes the profile and its records for good and closes
   * the account here, as portal deactivation does: that needs students.purge.
   */
  async remove(id: string, permanent: boolean): Promise<void> {
    const manager = this.tenant.manager;
    if (!permanent) {
      await this.rows(manager, id, true);
      await manager.query(
        `UPDATE students SET status = 'withdrawn', updated_at = now() WHERE profile_id = $1`,
        [id],
      );
      return;
    }
    if (!this.caller.has('students.purge')) throw forbidden(['students.purge']);
    const [student] = await this.rows(manager, id, true);
    // Their access here ends as portal deactivation ends it (what the same account needs as
    // someone else here stays; the last Owner is refused), then the record goes.
    await this.accounts.close(manager, 'student', [student]);
    await manager.query(`DELETE FROM profiles WHERE id = $1`, [id]);
  }

  private async rows(manager: EntityManager, id: string, lock = false): Promise<StudentRow[]> {
    const rows: StudentRow[] = await manager.query(
      `SELECT ${STUDENT_COLUMNS} FROM students s JOIN profiles p ON p.id = s.profile_id
        WHERE s.profile_id = $1 ${lock ? 'FOR UPDATE OF s, p' : ''}`,
      [id],
    );
    if (rows.length === 0) throw personNotFound('student');
    return rows;
  }

  private async withAccounts(manager: EntityManager, rows: StudentRow[]): Promise<StudentView[]> {
    const accounts = await accountsOfPeople(manager, rows);
    return rows.map((row) => studentView(row, accountView(row, accounts)));
  }
}
