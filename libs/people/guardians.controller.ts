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
  CreateGuardianDto,
  GuardianLinkParams,
  GuardianPage,
  GuardianView,
  LinkStudentDto,
  MyChildView,
  UpdateGuardianDto,
} from './dto/guardians.dto';
import { GuardianActivationDto, IdParams, PageQuery } from './dto/person.dto';
import { GuardiansService } from './guardians.service';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalAccountRoutes } from './portal-account-routes';
import { PortalActivation } from './portal-activation.service';
import { alreadyLinked, lastOwnerAccount, linkNotFound, personNotFound } from './people.errors';

@ApiTags('Guardians')
@Controller('api/guardians')
export class GuardiansController extends PortalAccountRoutes({
  kind: 'guardian',
  permission: 'guardians.activate',
  noun: 'guardian',
  activationPath: 'portal-activation',
  idsBody: GuardianActivationDto,
  ids: (body) => body.guardianIds,
  summaries: {
    activate:
      'Give guardians portal accounts (Guardian role) with temporary passwords, all or nothing',
    slips: 'Credential slips of guardians who have not set their own password yet',
  },
}) {
  constructor(
    private readonly guardians: GuardiansService,
    activation: PortalActivation,
    accounts: PortalAccountControls,
  ) {
    super(activation, accounts);
  }

  @Route({ at: 'school', access: { permissions: ['guardians.create'] } })
  @Post()
  @ApiOperation({ summary: 'Add a guardian (no account yet)' })
  @ApiCreatedResponse({ type: GuardianView })
  create(@Body() guardian: CreateGuardianDto): Promise<GuardianView> {
    return this.guardians.create(guardian);
  }

  @Route({ at: 'school', access: { permissions: ['guardians.view'] } })
  @Get()
  @ApiOperation({ summary: 'Guardians, a page at a time, with their children and accounts' })
  @ApiOkResponse({ type: GuardianPage })
  list(@Query() query: PageQuery): Promise<GuardianPage> {
    return this.guardians.list(query);
  }

  @Route({
    at: 'school',
    access: { signedIn: 'a guardian sees only the children linked to their own profile' },
  })
  @Get('my-children')
  @ApiOperation({ summary: "The signed-in guardian's own children in this school" })
  @ApiOkResponse({ type: [MyChildView] })
  myChildren(): Promise<MyChildView[]> {
    return this.guardians.myChildren();
  }

  @Route({
    at: 'school',
    access: { permissions: ['guardians.view'] },
    errors: [personNotFound('guardian')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One guardian, with their children and account' })
  @ApiOkResponse({ type: GuardianView })
  get(@Param() params: IdParams): Promise<GuardianView> {
    return this.guardians.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['guardians.update'] },
    errors: [personNotFound('guardian')],
  })
  @Patch(':id')
  @ApiOperation({ summary: "Change a guardian's names, email or phone" })
  @ApiOkResponse({ type: GuardianView })
  update(@Param() params: IdParams, @Body() changes: UpdateGuardianDto): Promise<GuardianView> {
    return this.guardians.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['guardians.delete'] },
    errors: [personNotFound('guardian'), lastOwnerAccount],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a guardian for good, with their links to children; their portal account here is closed',
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.guardians.remove(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['guardians.update'] },
    errors: [personNotFound('guardian'), personNotFound('student'), alreadyLinked],
  })
  @Post(':id/students')
  @ApiOperation({
    summary: 'Link the guardian to a student with a relationship (mother, father, …)',
  })
  @ApiCreatedResponse({ type: GuardianView })
  link(@Param() params: IdParams, @Body() link: LinkStudentDto): Promise<GuardianView> {
    return this.guardians.linkStudent(params.id, link);
  }

  @Route({ at: 'school', access: { permissions: ['guardians.update'] }, errors: [linkNotFound] })
  @Delete(':id/students/:studentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unlink the guardian from a student' })
  @ApiNoContentResponse()
  unlink(@Param() params: GuardianLinkParams): Promise<void> {
    return this.guardians.unlinkStudent(params.id, params.studentId);
  }
}
