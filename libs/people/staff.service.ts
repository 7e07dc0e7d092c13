import { Injectable } from '@nestjs/common';
import { PlanLimits } from '@schoolyard/billing';
import { TenantContext } from '@schoolyard/tenancy';
import { type PageQuery } from './dto/person.dto';
import {
  type OnboardInstructorDto,
  type StaffPage,
  type StaffView,
  type UpdateStaffDto,
} from './dto/staff.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { StaffRepository } from './staff.repository';

/**
 * Staff members are never deleted through the API: grades, course content and sections name
 * who gave, wrote or led them. One who leaves is marked `left`, which frees the plan's place
 * (the plan counts active staff) and closes their portal account here.
 */
@Injectable()
export class StaffService {
  constructor(
    private readonly tenant: TenantContext,
    private readonly staff: StaffRepository,
    private readonly limits: PlanLimits,
    private readonly accounts: PortalAccountControls,
  ) {}

  async onboardInstructor(person: OnboardInstructorDto): Promise<StaffView> {
    await this.limits.assertRoomFor('staff');
    return this.get(await this.staff.insertInstructor(person));
  }

  /** One query for the page, one for its accounts: constant whatever the page size. */
  async list(query: PageQuery): Promise<StaffPage> {
    const { rows, meta } = await this.staff.pageOfStaff(query);
    // The accounts, when any, are the list's last read: COMMIT goes with them.
    return { data: await this.staff.views(rows, true), meta };
  }

  async get(id: string): Promise<StaffView> {
    const [view] = await this.staff.views([await this.staff.find(id)]);
    return view;
  }

  async update(id: string, changes: UpdateStaffDto): Promise<StaffView> {
    const plan = this.staff.planChanges(changes);
    const current = await this.staff.find(id, true);
    if (changes.status === 'active' && current.status !== 'active') {
      // Coming back takes a place under the plan's limit, like onboarding.
      await this.limits.assertRoomFor('staff');
    }
    if (changes.status === 'left') {
      await this.accounts.close(this.tenant.manager, 'staff', [current]);
    }
    await this.staff.applyChanges(id, plan);
    return this.get(id);
  }

  /** DELETE: the staff member has left (see the class comment). Repeating it changes nothing. */
  async markLeft(id: string): Promise<void> {
    const current = await this.staff.find(id, true);
    await this.accounts.close(this.tenant.manager, 'staff', [current]);
    if (current.status !== 'left') await this.staff.setStatus(id, 'left');
  }
}
