import { Injectable } from '@nestjs/common';
import { PlanLimits } from '@schoolyard/billing';
import { likePattern, oneRow, queryPage } from '@schoolyard/common';
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
}

const STAFF_COLUMNS = `${PERSON_COLUMNS},
  st.job_title, st.department, st.hire_date::text AS hire_date, st.status, st.created_at`;

const STAFF_FROM = 'staff st JOIN profiles p ON p.id = st.profile_id';

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
    const row = await oneRow<StaffRow>(
      manager,
      `SELECT ${STAFF_COLUMNS} FROM ${STAFF_FROM} WHERE st.profile_id = $1`,
      [profileId],
      () => personNotFound('staff member'),
    );
    const [view] = await this.views([row]);
    return view;
  }

  /** One query for the page, one for its accounts: constant whatever the page size. */
  async list(query: PageQuery): Promise<StaffPage> {
    const { rows, meta } = await queryPage<StaffRow>(
      this.tenant.manager,
      {
        select: STAFF_COLUMNS,
        from: STAFF_FROM,
        where: `WHERE ($1::text IS NULL OR p.first_name ILIKE $1 OR p.last_name ILIKE $1
                       OR st.job_title ILIKE $1 OR st.department ILIKE $1)`,
        orderBy: 'p.last_name, p.first_name, p.id',
      },
      [likePattern(query.search)],
      query,
    );
    return { data: await this.views(rows), meta };
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
