import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { NoPermissionRequired, RevealsSecrets } from '@schoolyard/identity';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import {
  CreateGuardianDto,
  GuardianLinkParams,
  GuardianPage,
  GuardianView,
  LinkStudentDto,
  MyChildView,
  UpdateGuardianDto,
} from './dto/guardians.dto';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  GuardianActivationDto,
  IdParams,
  PageQuery,
  PasswordResetView,
} from './dto/person.dto';
import { PeopleRouteRefusals } from './dto/responses';
import { GuardiansService } from './guardians.service';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalActivation } from './portal-activation.service';

@ApiTags('Guardians')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/guardians')
export class GuardiansController {
  constructor(
    private readonly guardians: GuardiansService,
    private readonly activation: PortalActivation,
    private readonly accounts: PortalAccountControls,
  ) {}

  @Post()
  @RequirePermissions('guardians.create')
  @ApiOperation({ summary: 'Add a guardian (no account yet)' })
  @ApiCreatedResponse({ type: GuardianView })
  create(@Body() guardian: CreateGuardianDto): Promise<GuardianView> {
    return this.guardians.create(guardian);
  }

  @Get()
  @RequirePermissions('guardians.view')
  @ApiOperation({ summary: 'Guardians, a page at a time, with their children and accounts' })
  @ApiOkResponse({ type: GuardianPage })
  list(@Query() query: PageQuery): Promise<GuardianPage> {
    return this.guardians.list(query);
  }

  @Get('my-children')
  @NoPermissionRequired('a guardian sees only the children linked to their own profile')
  @ApiOperation({ summary: "The signed-in guardian's own children in this school" })
  @ApiOkResponse({ type: [MyChildView] })
  myChildren(): Promise<MyChildView[]> {
    return this.guardians.myChildren();
  }

  @Post('portal-activation')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('guardians.activate')
  @ApiOperation({
    summary:
      'Give guardians portal accounts (Guardian role) with temporary passwords, all or nothing',
  })
  @ApiOkResponse({ type: ActivationView })
  activate(@Body() body: GuardianActivationDto): Promise<ActivationView> {
    return this.activation.activate('guardian', body.guardianIds);
  }

  @Get('credential-distribution')
  @RevealsSecrets()
  @RequirePermissions('guardians.activate')
  @ApiOperation({
    summary: 'Credential slips of guardians who have not set their own password yet',
  })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('guardian');
  }

  @Post('portal-deactivation')
  @HttpCode(200)
  @RequirePermissions('guardians.activate')
  @ApiOperation({
    summary:
      "Close guardians' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts",
  })
  @ApiOkResponse({ type: DeactivationView })
  @ApiConflictResponse({ description: "LAST_OWNER: one of them is the school's last Owner" })
  @PeopleRouteRefusals()
  deactivate(@Body() body: GuardianActivationDto): Promise<DeactivationView> {
    return this.accounts.deactivate('guardian', body.guardianIds);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('guardians.activate')
  @ApiOperation({
    summary:
      "A new temporary password for a guardian's account made by this school; every session of it ends",
  })
  @ApiOkResponse({ type: PasswordResetView })
  @ApiNotFoundResponse({ description: 'GUARDIAN_NOT_FOUND or NO_PORTAL_ACCOUNT' })
  @ApiConflictResponse({
    description:
      'ACCOUNT_LINKED_BY_CONSENT or ACCOUNT_REGISTERED_BY_HOLDER: the holder resets it by email',
  })
  @PeopleRouteRefusals()
  resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
    return this.accounts.resetPassword('guardian', params.id);
  }

  @Get(':id')
  @RequirePermissions('guardians.view')
  @ApiOperation({ summary: 'One guardian, with their children and account' })
  @ApiOkResponse({ type: GuardianView })
  @ApiNotFoundResponse({ description: 'GUARDIAN_NOT_FOUND' })
  @PeopleRouteRefusals()
  get(@Param() params: IdParams): Promise<GuardianView> {
    return this.guardians.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('guardians.update')
  @ApiOperation({ summary: "Change a guardian's names, email or phone" })
  @ApiOkResponse({ type: GuardianView })
  @ApiNotFoundResponse({ description: 'GUARDIAN_NOT_FOUND' })
  @PeopleRouteRefusals()
  update(@Param() params: IdParams, @Body() changes: UpdateGuardianDto): Promise<GuardianView> {
    return this.guardians.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('guardians.delete')
  @ApiOperation({
    summary:
      'Remove a guardian for good, with their links to children; their portal account here is closed',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'GUARDIAN_NOT_FOUND' })
  @ApiConflictResponse({ description: "LAST_OWNER: they hold the school's last Owner role" })
  @PeopleRouteRefusals()
  remove(@Param() params: IdParams): Promise<void> {
    return this.guardians.remove(params.id);
  }

  @Post(':id/students')
  @RequirePermissions('guardians.update')
  @ApiOperation({
    summary: 'Link the guardian to a student with a relationship (mother, father, …)',
  })
  @ApiCreatedResponse({ type: GuardianView })
  link(@Param() params: IdParams, @Body() link: LinkStudentDto): Promise<GuardianView> {
    return this.guardians.linkStudent(params.id, link);
  }

  @Delete(':id/students/:studentId')
  @HttpCode(204)
  @RequirePermissions('guardians.update')
  @ApiOperation({ summary: 'Unlink the guardian from a student' })
  @ApiNoContentResponse()
  unlink(@Param() params: GuardianLinkParams): Promise<void> {
    return this.guardians.unlinkStudent(params.id, params.studentId);
  }
}
