import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
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
} from './dto/guardians.dto';
import {
  ActivationView,
  CredentialSlipView,
  GuardianActivationDto,
  IdParams,
  PageQuery,
} from './dto/person.dto';
import { GuardiansService } from './guardians.service';
import { PortalActivation } from './portal-activation.service';

@ApiTags('Guardians')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/guardians')
export class GuardiansController {
  constructor(
    private readonly guardians: GuardiansService,
    private readonly activation: PortalActivation,
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
