import { Injectable } from '@nestjs/common';
import { likePattern, type PageMeta, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type AccountView } from './dto/person.dto';
import {
  type EnrollStudentDto,
  type GuardianRefView,
  type StudentListQuery,
  type StudentSort,
  type StudentView,
} from './dto/students.dto';
import { admissionNumberTaken, personNotFound } from './people.errors';
import { type PersonRow, PersonRecordsRepository, personView } from './person-records.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';

export interface StudentRow extends PersonRow {
  admission_number: string;
  admission_date: string;
  status: StudentView['status'];
  created_at: Date;
  updated_at: Date;
}

/** $1 a status, $2 an ILIKE pattern, $3 a section (the students in it now), each or null. */
const STUDENT_FILTER = `WHERE ($1::text IS NULL OR s.status = $1)
  AND ($2::text IS NULL OR p.first_name ILIKE $2 OR p.last_name ILIKE $2
       OR p.middle_name ILIKE $2 OR s.admission_number ILIKE $2
       OR (p.first_name || ' ' || p.last_name) ILIKE $2)
  AND ($3::uuid IS NULL OR EXISTS (
       SELECT 1 FROM section_students ss
        WHERE ss.section_id = $3 AND ss.student_id = s.profile_id AND ss.left_on IS NULL))`;

/**
 * Sort keys map to fixed SQL; the id breaks ties so pages never overlap. The students export
 * (libs/exports) orders its file the same way.
 */
export const STUDENT_ORDER_BY: Record<StudentSort, string> = {
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

const admissionNumberConflict = (admissionNumber: string) => ({
  students_admission_number_key: () => admissionNumberTaken(admissionNumber),
});

const STUDENTS = {
  kind: 'student',
  table: 'students',
  alias: 's',
  columns: `s.admission_number, s.admission_date::text AS admission_date, s.status, s.created_at, s.updated_at`,
  profileFields: {
    firstName: 'first_name',
    middleName: 'middle_name',
    lastName: 'last_name',
    email: 'email',
    dateOfBirth: 'date_of_birth',
    gender: 'gender',
  },
  recordFields: {
    admissionNumber: 'admission_number',
    admissionDate: 'admission_date',
    status: 'status',
  },
  required: ['firstName', 'lastName', 'admissionNumber', 'admissionDate', 'status'],
  notFound: () => personNotFound('student'),
  conflicts: (changes: { admissionNumber?: unknown }) =>
    admissionNumberConflict(
      typeof changes.admissionNumber === 'string' ? changes.admissionNumber : '',
    ),
} as const;

@Injectable()
export class StudentsRepository extends PersonRecordsRepository<StudentRow, StudentView> {
  constructor(tenant: TenantContext, accounts: SchoolAccountsRepository) {
    super(tenant, accounts, STUDENTS);
  }

  /**
   * Fee records that keep the student (their foreign keys are RESTRICT), counted by table name
   * so that people needs nothing from the fees library. Credit notes, refunds and online
   * payments only exist beside an invoice or a receipt, so these two counts decide.
   */
  async feeRecords(id: string): Promise<{ invoices: number; receipts: number }> {
    const [counts] = await selectRows<{ invoices: number; receipts: number }>(
      this.tenant.manager,
      `SELECT (SELECT count(*) FROM fee_invoices WHERE student_id = $1)::int AS invoices,
              (SELECT count(*) FROM fee_receipts WHERE student_id = $1)::int AS receipts`,
      [id],
    );
    return counts;
  }

  /** The profile and the student record; answers the profile's id. */
  insertStudent(student: EnrollStudentDto): Promise<string> {
    return this.insertPerson(
      student,
      `INSERT INTO students (profile_id, admission_number, admission_date)
       VALUES ($1, $2, coalesce($3::date, current_date))`,
      [student.admissionNumber, student.admissionDate ?? null],
      admissionNumberConflict(student.admissionNumber),
    );
  }

  pageOfStudents(query: StudentListQuery): Promise<{ rows: StudentRow[]; meta: PageMeta }> {
    return this.page(
      STUDENT_FILTER,
      [query.status ?? null, likePattern(query.search), query.sectionId ?? null],
      `${STUDENT_ORDER_BY[query.sort]}, p.id`,
      query,
    );
  }

  async guardiansOf(studentId: string): Promise<GuardianRefView[]> {
    const rows = await selectRows<{
      id: string;
      first_name: string;
      last_name: string;
      relationship: string;
    }>(
      this.tenant.manager,
      `SELECT p.id, p.first_name, p.last_name, sg.relationship
           FROM student_guardians sg JOIN profiles p ON p.id = sg.guardian_id
          WHERE sg.student_id = $1 ORDER BY p.last_name, p.first_name`,
      [studentId],
    );
    return rows.map((row) => ({
      id: row.id,
      displayName: `${row.first_name} ${row.last_name}`,
      relationship: row.relationship,
    }));
  }

  protected toView(row: StudentRow, account: AccountView | null): StudentView {
    return personView(row, {
      dateOfBirth: row.date_of_birth,
      gender: row.gender,
      admissionNumber: row.admission_number,
      admissionDate: row.admission_date,
      status: row.status,
      account,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}
