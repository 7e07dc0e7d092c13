import { Injectable } from '@nestjs/common';
import { likePattern, type PageMeta, type PageQuery } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type AccountView } from './dto/person.dto';
import { type OnboardInstructorDto, type StaffView } from './dto/staff.dto';
import { personNotFound } from './people.errors';
import {
  NAME_FIELDS,
  type PersonRow,
  PersonRecordsRepository,
  personView,
} from './person-records.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';

export interface StaffRow extends PersonRow {
  job_title: string;
  department: string | null;
  hire_date: string;
  status: StaffView['status'];
  created_at: Date;
  updated_at: Date;
}

const STAFF = {
  kind: 'staff',
  table: 'staff',
  alias: 'st',
  columns: `st.job_title, st.department, st.hire_date::text AS hire_date, st.status, st.created_at, st.updated_at`,
  profileFields: NAME_FIELDS,
  recordFields: {
    jobTitle: 'job_title',
    department: 'department',
    hireDate: 'hire_date',
    status: 'status',
  },
  required: ['firstName', 'lastName', 'jobTitle', 'hireDate', 'status'],
  notFound: () => personNotFound('staff member'),
} as const;

@Injectable()
export class StaffRepository extends PersonRecordsRepository<StaffRow, StaffView> {
  constructor(tenant: TenantContext, accounts: SchoolAccountsRepository) {
    super(tenant, accounts, STAFF);
  }

  /** The profile and the staff record; answers the profile's id. */
  insertInstructor(person: OnboardInstructorDto): Promise<string> {
    return this.insertPerson(
      person,
      `INSERT INTO staff (profile_id, job_title, department, hire_date)
       VALUES ($1, $2, $3, coalesce($4::date, current_date))`,
      [person.jobTitle ?? 'Instructor', person.department || null, person.hireDate ?? null],
    );
  }

  pageOfStaff(query: PageQuery): Promise<{ rows: StaffRow[]; meta: PageMeta }> {
    return this.page(
      `WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1
              OR st.job_title ILIKE $1 OR st.department ILIKE $1)`,
      [likePattern(query.search)],
      'p.last_name, p.first_name, p.id',
      query,
    );
  }

  protected toView(row: StaffRow, account: AccountView | null): StaffView {
    return personView(row, {
      jobTitle: row.job_title,
      department: row.department,
      hireDate: row.hire_date,
      status: row.status,
      account,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}
