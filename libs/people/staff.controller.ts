import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { IdParams, PageQuery, StaffActivationDto } from './dto/person.dto';
import { OnboardInstructorDto, StaffPage, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalAccountRoutes } from './portal-account-routes';
import { PortalActivation } from './portal-activation.service';
import { StaffService } from './staff.service';
import { lastOwnerAccount, personNotFound } from './people.errors';
import { noSubscription, planLimitReached } from '@schoolyard/billing';

/** Onboarding, or bringing a staff member back to active, needs a place in the school's plan. */
const NO_ROOM = [planLimitReached('staff', 10, 'Basic'), noSubscription];

@ApiTags('Staff')
@Controller('api/staff')
export class StaffController extends PortalAccountRoutes({
  kind: 'staff',
  permission: 'staff.activate',
  noun: 'staff member',
  activationPath: 'activate-instructor',
  idsBody: StaffActivationDto,
  ids: (body) => body.staffIds,
  summaries: {
    activate:
      'Give staff members portal accounts (Instructor role) with temporary passwords, all or nothing',
    slips: 'Credential slips of staff who have not set their own password yet',
  },
}) {
  constructor(
    private readonly staff: StaffService,
    activation: PortalActivation,
    accounts: PortalAccountControls,
  ) {
    super(activation, accounts);
  }

  @Route({ at: 'school', access: { permissions: ['staff.view'] } })
  @Get()
  @ApiOperation({ summary: 'Staff members, a page at a time, with their accounts where linked' })
  @ApiOkResponse({ type: StaffPage })
  list(@Query() query: PageQuery): Promise<StaffPage> {
    return this.staff.list(query);
  }

  @Route({ at: 'school', access: { permissions: ['staff.create'] }, errors: NO_ROOM })
  @Post('onboard-instructor')
  @ApiOperation({ summary: 'Add an instructor: profile and staff record, no account yet' })
  @ApiCreatedResponse({ type: StaffView })
  onboard(@Body() person: OnboardInstructorDto): Promise<StaffView> {
    return this.staff.onboardInstructor(person);
  }

  @Route({
    at: 'school',
    access: { permissions: ['staff.view'] },
    errors: [personNotFound('staff member')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One staff member, with their account where linked' })
  @ApiOkResponse({ type: StaffView })
  get(@Param() params: IdParams): Promise<StaffView> {
    return this.staff.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['staff.update'] },
    errors: [personNotFound('staff member'), lastOwnerAccount, ...NO_ROOM],
  })
  @Patch(':id')
  @ApiOperation({
    summary:
      "Change a staff member's record; status left frees the plan's place and closes their account here",
  })
  @ApiOkResponse({ type: StaffView })
  update(@Param() params: IdParams, @Body() changes: UpdateStaffDto): Promise<StaffView> {
    return this.staff.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['staff.delete'] },
    errors: [personNotFound('staff member'), lastOwnerAccount],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Mark a staff member as left: their record stays (grades and content name them), the plan's place is freed and their account here is closed",
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.staff.markLeft(params.id);
  }
}
