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
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  IdParams,
  PasswordResetView,
  StudentActivationDto,
} from './dto/person.dto';
import { PeopleRouteRefusals } from './dto/responses';
import {
  EnrollStudentDto,
  RemoveStudentQuery,
  StudentListQuery,
  StudentPage,
  StudentView,
  UpdateStudentDto,
} from './dto/students.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalActivation } from './portal-activation.service';
import { StudentsService } from './students.service';

@ApiTags('Students')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/students')
export class StudentsController {
  constructor(
    private readonly students: StudentsService,
    private readonly activation: PortalActivation,
    private readonly accounts: PortalAccountControls,
  ) {}

  @Post('enroll')
  @RequirePermissions('students.create')
  @ApiOperation({ summary: 'Enroll a student: profile and student record, no account yet' })
  @ApiCreatedResponse({ type: StudentView })
  enroll(@Body() student: EnrollStudentDto): Promise<StudentView> {
    return this.students.enroll(student);
  }

  @Get()
  @RequirePermissions('students.view')
  @ApiOperation({ summary: 'Students, a page at a time, with their accounts where linked' })
  @ApiOkResponse({ type: StudentPage })
  list(@Query() query: StudentListQuery): Promise<StudentPage> {
    return this.students.list(query);
  }

  @Post('portal-activation')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('students.activate')
  @ApiOperation({
    summary:
      'Give students portal accounts with temporary passwords (all or nothing); unknown or already active ids are skipped with a reason',
  })
  @ApiOkResponse({ type: ActivationView })
  activate(@Body() body: StudentActivationDto): Promise<ActivationView> {
    return this.activation.activate('student', body.studentIds);
  }

  @Post('portal-deactivation')
  @HttpCode(200)
  @RequirePermissions('students.activate')
  @ApiOperation({
    summary:
      "Close students' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts",
  })
  @ApiOkResponse({ type: DeactivationView })
  @ApiConflictResponse({ description: "LAST_OWNER: one of them is the school's last Owner" })
  @PeopleRouteRefusals()
  deactivate(@Body() body: StudentActivationDto): Promise<DeactivationView> {
    return this.accounts.deactivate('student', body.studentIds);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @ManualTenantTransaction()
  @RequirePermissions('students.activate')
  @ApiOperation({
    summary:
      "A new temporary password for a student's account made by this school; every session of it ends",
  })
  @ApiOkResponse({ type: PasswordResetView })
  @ApiNotFoundResponse({ description: 'STUDENT_NOT_FOUND or NO_PORTAL_ACCOUNT' })
  @ApiConflictResponse({
    description:
      'ACCOUNT_LINKED_BY_CONSENT or ACCOUNT_REGISTERED_BY_HOLDER: the holder resets it by email',
  })
  @PeopleRouteRefusals()
  resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
    return this.accounts.resetPassword('student', params.id);
  }

  @Get('credential-distribution')
  @RevealsSecrets()
  @RequirePermissions('students.activate')
  @ApiOperation({
    summary: 'Credential slips: activated students who have not set their own password yet',
  })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('student');
  }

  @Get(':id')
  @RequirePermissions('students.view')
  @ApiOperation({ summary: 'One student, with their guardians' })
  @ApiOkResponse({ type: StudentView })
  get(@Param() params: IdParams): Promise<StudentView> {
    return this.students.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('students.update')
  @ApiOperation({ summary: "Change a student's record (names, dates, admission number, status)" })
  @ApiOkResponse({ type: StudentView })
  update(@Param() params: IdParams, @Body() changes: UpdateStudentDto): Promise<StudentView> {
    return this.students.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('students.delete')
  @ApiOperation({
    summary:
      'Withdraw a student; with permanent=true (students.purge too) delete them and unlink their account',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'STUDENT_NOT_FOUND' })
  @ApiConflictResponse({
    description: "LAST_OWNER: deleting for good would close the school's last Owner's account",
  })
  @PeopleRouteRefusals()
  remove(@Param() params: IdParams, @Query() query: RemoveStudentQuery): Promise<void> {
    return this.students.remove(params.id, query.permanent);
  }
}
