import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  IdParams,
  PageQuery,
  PasswordResetView,
  StaffActivationDto,
} from './dto/person.dto';
import { OnboardInstructorDto, StaffPage, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalActivation } from './portal-activation.service';
import { StaffService } from './staff.service';
import {
  accountHeldByHolder,
  activatedMeanwhile,
  lastOwnerAccount,
  noPortalAccount,
  personNotFound,
} from './people.errors';
import { noSubscription, planLimitReached } from '@schoolyard/billing';

/** Onboarding, or bringing a staff member back to active, needs a place in the school's plan. */
const NO_ROOM = [planLimitReached('staff', 10, 'Basic'), noSubscription];

@ApiTags('Staff')
@Controller('api/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly activation: PortalActivation,
    private readonly accounts: PortalAccountControls,
  ) {}

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
    access: { permissions: ['staff.activate'] },
    transaction: 'manual',
    errors: [activatedMeanwhile],
  })
  @Post('activate-instructor')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Give staff members portal accounts (Instructor role) with temporary passwords, all or nothing',
  })
  @ApiOkResponse({ type: ActivationView })
  activate(@Body() body: StaffActivationDto): Promise<ActivationView> {
    return this.activation.activate('staff', body.staffIds);
  }

  @Route({
    at: 'school',
    access: { permissions: ['staff.activate'] },
    errors: [lastOwnerAccount, activatedMeanwhile],
  })
  @Post('portal-deactivation')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Close staff members' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts",
  })
  @ApiOkResponse({ type: DeactivationView })
  deactivate(@Body() body: StaffActivationDto): Promise<DeactivationView> {
    return this.accounts.deactivate('staff', body.staffIds);
  }

  @Route({ at: 'school', access: { permissions: ['staff.activate'] }, revealsSecrets: true })
  @Get('credential-distribution')
  @ApiOperation({ summary: 'Credential slips of staff who have not set their own password yet' })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('staff');
  }

  @Route({
    at: 'school',
    access: { permissions: ['staff.activate'] },
    transaction: 'manual',
    errors: [
      personNotFound('staff member'),
      noPortalAccount,
      accountHeldByHolder('consented'),
      accountHeldByHolder('registered'),
      activatedMeanwhile,
    ],
  })
  @Post(':id/reset-password')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "A new temporary password for a staff member's account made by this school; every session of it ends",
  })
  @ApiOkResponse({ type: PasswordResetView })
  resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
    return this.accounts.resetPassword('staff', params.id);
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
