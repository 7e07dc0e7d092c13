import { RevealsSecrets } from '@schoolyard/identity';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPaymentRequiredResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  IdParams,
  PageQuery,
  PasswordResetView,
  StaffActivationDto,
} from './dto/person.dto';
import { PeopleRouteRefusals } from './dto/responses';
import { OnboardInstructorDto, StaffPage, StaffView, UpdateStaffDto } from './dto/staff.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalActivation } from './portal-activation.service';
import { StaffService } from './staff.service';

@ApiTags('Staff')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/staff')
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly activation: PortalActivation,
    private readonly accounts: PortalAccountControls,
  ) {}

  @Get()
  @RequirePermissions('staff.view')
  @ApiOperation({ summary: 'Staff members, a page at a time, with their accounts where linked' })
  @ApiOkResponse({ type: StaffPage })
  list(@Query() query: PageQuery): Promise<StaffPage> {
    return this.staff.list(query);
  }

  @Post('onboard-instructor')
  @RequirePermissions('staff.create')
  @ApiOperation({ summary: 'Add an instructor: profile and staff record, no account yet' })
  @ApiCreatedResponse({ type: StaffView })
  onboard(@Body() person: OnboardInstructorDto): Promise<StaffView> {
    return this.staff.onboardInstructor(person);
  }

  @Post('activate-instructor')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('staff.activate')
  @ApiOperation({
    summary:
      'Give staff members portal accounts (Instructor role) with temporary passwords, all or nothing',
  })
  @ApiOkResponse({ type: ActivationView })
  activate(@Body() body: StaffActivationDto): Promise<ActivationView> {
    return this.activation.activate('staff', body.staffIds);
  }

  @Post('portal-deactivation')
  @HttpCode(200)
  @RequirePermissions('staff.activate')
  @ApiOperation({
    summary:
      "Close staff members' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts",
  })
  @ApiOkResponse({ type: DeactivationView })
  @ApiConflictResponse({ description: "LAST_OWNER: one of them is the school's last Owner" })
  @PeopleRouteRefusals()
  deactivate(@Body() body: StaffActivationDto): Promise<DeactivationView> {
    return this.accounts.deactivate('staff', body.staffIds);
  }

  @Get('credential-distribution')
  @RevealsSecrets()
  @RequirePermissions('staff.activate')
  @ApiOperation({ summary: 'Credential slips of staff who have not set their own password yet' })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('staff');
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('staff.activate')
  @ApiOperation({
    summary:
      "A new temporary password for a staff member's account made by this school; every session of it ends",
  })
  @ApiOkResponse({ type: PasswordResetView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND or NO_PORTAL_ACCOUNT' })
  @ApiConflictResponse({
    description:
      'ACCOUNT_LINKED_BY_CONSENT or ACCOUNT_REGISTERED_BY_HOLDER: the holder resets it by email',
  })
  @PeopleRouteRefusals()
  resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
    return this.accounts.resetPassword('staff', params.id);
  }

  @Get(':id')
  @RequirePermissions('staff.view')
  @ApiOperation({ summary: 'One staff member, with their account where linked' })
  @ApiOkResponse({ type: StaffView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND' })
  @PeopleRouteRefusals()
  get(@Param() params: IdParams): Promise<StaffView> {
    return this.staff.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('staff.update')
  @ApiOperation({
    summary:
      "Change a staff member's record; status left frees the plan's place and closes their account here",
  })
  @ApiOkResponse({ type: StaffView })
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND' })
  @ApiConflictResponse({ description: "LAST_OWNER: they hold the school's last Owner role" })
  @ApiPaymentRequiredResponse({ description: 'PLAN_LIMIT_REACHED: back to active needs a place' })
  @PeopleRouteRefusals()
  update(@Param() params: IdParams, @Body() changes: UpdateStaffDto): Promise<StaffView> {
    return this.staff.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('staff.delete')
  @ApiOperation({
    summary:
      "Mark a staff member as left: their record stays (grades and content name them), the plan's place is freed and their account here is closed",
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'STAFF_NOT_FOUND' })
  @ApiConflictResponse({ description: "LAST_OWNER: they hold the school's last Owner role" })
  @PeopleRouteRefusals()
  remove(@Param() params: IdParams): Promise<void> {
    return this.staff.markLeft(params.id);
  }
}
