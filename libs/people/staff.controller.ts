import { RevealsSecrets } from '@schoolyard/identity';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import {
  ActivationView,
  CredentialSlipView,
  PageQuery,
  StaffActivationDto,
} from './dto/person.dto';
import { OnboardInstructorDto, StaffPage, StaffView } from './dto/staff.dto';
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

  @Get('credential-distribution')
  @RevealsSecrets()
  @RequirePermissions('staff.activate')
  @ApiOperation({ summary: 'Credential slips of staff who have not set their own password yet' })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('staff');
  }
}
