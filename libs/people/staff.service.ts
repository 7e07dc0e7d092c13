import { Injectable } from '@nestjs/common';
import { PlanLimits } from '@schoolyard/billing';
import {
  columnAssignments,
  likePattern,
  oneRow,
  patchOf,
  queryPage,
  updateRow,
} from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { type PageQuery } from './dto/person.dto';
import {
  type OnboardInstructorDto,
  type StaffPage,
  type StaffView,
  type UpdateStaffDto,
} from './dto/staff.dto';
import {
  accountsOfPeople,
  accountView,
  insertProfile,
  NAME_FIELDS,
  PERSON_COLUMNS,
  type PersonRow,
} from './people-rows';
import { personNotFound } from './people.errors';
import { PortalAccountControls } from './portal-account-controls.service';

interface StaffRow extends PersonRow {
  job_title: string;
  department: string | null;
  hire_date: string;
  status: StaffView['status'];
  created_at: Date;
  updated_at: Date;
}

const STAFF_COLUMNS = `${PERSON_COLUMNS},
  st.job_title, st.department, st.hire_date::text AS hire_date, st.status, st.created_at, st.updated_at`;

const STAFF_FROM = 'staff st JOIN profiles p ON p.id = st.profile_id';

const STAFF_FIELDS = {
  jobTitle: 'job_title',
  department: 'department',
  hireDate: 'hire_date',
  status: 'status',
} as const;

/** A PATCH may clear the optional fields with null, never these. */
const REQUIRED_FIELDS = ['firstName', 'lastName', 'jobTitle', 'hireDate', 'status'] as const;

const notFound = () => personNotFound('staff member');

/**
 * Staff members are never deleted through the API: grades, course content and sections name
 * who gave, wrote or led them. One who leaves is marked `left`, which frees the plan's place
 * (the plan counts active staff) and closes their portal account here.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly limits: PlanLimits,
    private readonly accounts: PortalAccountControls,
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
    return this.get(profileId);
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
    // The accounts, when any, are the list's last read: COMMIT goes with them.
    return { data: await this.views(rows, true), meta };
  }

  async get(id: string): Promise<StaffView> {
    const [view] = await this.views([await this.row(this.tenant.manager, id)]);
    return view;
  }

  async update(id: string, changes: UpdateStaffDto): Promise<StaffView> {
    const manager = this.tenant.manager;
    // Checked over both tables at once; each then gets its own share of the change.
    patchOf(changes, { ...NAME_FIELDS, ...STAFF_FIELDS }, REQUIRED_FIELDS);
    const profile = columnAssignments(changes, NAME_FIELDS);
    const staff = columnAssignments(changes, STAFF_FIELDS);
    const current = await this.row(manager, id, true);
    if (changes.status === 'active' && current.status !== 'active') {
      // Coming back takes a place under the plan's limit, like onboarding.
      await this.limits.assertRoomFor('staff');
    }
    if (changes.status === 'left') await this.accounts.close(manager, 'staff', [current]);
    if (profile.columns.length) {
      await updateRow(manager, 'profiles', id, profile, { notFound });
    }
    await manager.query(
      `UPDATE staff SET ${staff.columns.length ? `${staff.set(2)}, ` : ''}updated_at = now()
        WHERE profile_id = $1`,
      [id, ...staff.values],
    );
    return this.get(id);
  }

  /** DELETE: the staff member has left (see the class comment). Repeating it changes nothing. */
  async markLeft(id: string): Promise<void> {
    const manager = this.tenant.manager;
    const current = await this.row(manager, id, true);
    await this.accounts.close(manager, 'staff', [current]);
    if (current.status !== 'left') {
      await manager.query(
        `UPDATE staff SET status = 'left', updated_at = now() WHERE profile_id = $1`,
        [id],
      );
    }
  }

  private row(manager: EntityManager, id: string, lock = false): Promise<StaffRow> {
    return oneRow<StaffRow>(
      manager,
      `SELECT ${STAFF_COLUMNS} FROM ${STAFF_FROM} WHERE st.profile_id = $1
        ${lock ? 'FOR UPDATE OF st, p' : ''}`,
      [id],
      notFound,
    );
  }

  private async views(rows: StaffRow[], lastRead = false): Promise<StaffView[]> {
    const accounts = await accountsOfPeople(
      this.tenant.manager,
      rows,
      lastRead ? (sql, parameters) => this.tenant.finalQuery(sql, parameters) : undefined,
    );
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
      updatedAt: row.updated_at,
    }));
  }
}
