import { Injectable } from '@nestjs/common';
import { PlanLimits } from '@schoolyard/billing';
import { likePattern } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type PageQuery } from './dto/person.dto';
import { type OnboardInstructorDto, type StaffPage, type StaffView } from './dto/staff.dto';
import {
  accountsOfPeople,
  accountView,
  insertProfile,
  PERSON_COLUMNS,
  type PersonRow,
} from './people-rows';
import { personNotFound } from './people.errors';

interface StaffRow extends PersonRow {
  job_title: string;
  department: string | null;
  hire_date: string;
  status: string;
  created_at: Date;
  total?: string;
}

const STAFF_COLUMNS = `${PERSON_COLUMNS},
  st.job_title, st.department, st.hire_date::text AS hire_date, st.status, st.created_at`;

@Injectable()
export class StaffService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly limits: PlanLimits,
  ) {}

  async onboardInstructor(person: OnboardInstructorDto): Promise<StaffView> {
    const manager = this.tenant.manager;
    await this.limits.assertRoomFor('staff');
    const profileId = await insertProfile(manager, 'staff', person);
    await manager.query(
      `INSERT INTO staff (profile_id, job_title, department, hire_date)
       VALUES ($1, $2, $3, coalesce($4::date, current_date))`,
      [
        profileId,
        person.jobTitle ?? 'Instructor',
        person.department || null,
        person.hireDate ?? null,
      ],
    );
    const [view] = await this.page(`WHERE st.profile_id = $1`, [profileId]);
    return view;
  }

  /** One query for the page, one for its accounts: constant whatever the page size. */
  async list(query: PageQuery): Promise<StaffPage> {
    const offset = (query.page - 1) * query.pageSize;
    const search = likePattern(query.search);
    const rows = await this.rows(
      `WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1
              OR st.job_title ILIKE $1 OR st.department ILIKE $1)
       ORDER BY p.last_name, p.first_name, p.id LIMIT $2 OFFSET $3`,
      [search, query.pageSize, offset],
    );
    return {
      data: await this.views(rows),
      meta: {
        page: query.page,
        pageSize: query.pageSize,
        total: rows.length ? Number(rows[0].total) : 0,
      },
    };
  }

  private async page(where: string, parameters: unknown[]): Promise<StaffView[]> {
    const rows = await this.rows(where, parameters);
    if (rows.length === 0) throw personNotFound('staff member');
    return this.views(rows);
  }

  private rows(where: string, parameters: unknown[]): Promise<StaffRow[]> {
    return this.tenant.manager.query(
      `SELECT ${STAFF_COLUMNS}, count(*) OVER () AS total
         FROM staff st JOIN profiles p ON p.id = st.profile_id ${where}`,
      parameters,
    );
  }

  private async views(rows: StaffRow[]): Promise<StaffView[]> {
    const accounts = await accountsOfPeople(this.tenant.manager, rows);
    return rows.map((row) => ({
      id: row.id,
      firstName: row.first_name,
      middleName: row.middle_name,
      lastName: row.last_name,
      email: row.email,
      jobTitle: row.job_title,
      department: row.department,
      hireDate: row.hire_date,
      status: row.status,
      account: accountView(row, accounts),
      createdAt: row.created_at,
    }));
  }
}
