import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { noSubscription, planLimitReached } from '@schoolyard/billing';
import { Route } from '@schoolyard/common';
import {
  ActivationView,
  CredentialSlipView,
  DeactivationView,
  IdParams,
  PasswordResetView,
  StudentActivationDto,
} from './dto/person.dto';
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
import {
  accountHeldByHolder,
  activatedMeanwhile,
  admissionNumberTaken,
  lastOwnerAccount,
  noPortalAccount,
  personNotFound,
} from './people.errors';

/** Enrolling, or bringing a student back to active, needs a place in the school's plan. */
const NO_ROOM = [planLimitReached('students', 100, 'Basic'), noSubscription];

@ApiTags('Students')
@Controller('api/students')
export class StudentsController {
  constructor(
    private readonly students: StudentsService,
    private readonly activation: PortalActivation,
    private readonly accounts: PortalAccountControls,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['students.create'] },
    errors: [admissionNumberTaken('A-1'), ...NO_ROOM],
  })
  @Post('enroll')
  @ApiOperation({ summary: 'Enroll a student: profile and student record, no account yet' })
  @ApiCreatedResponse({ type: StudentView })
  enroll(@Body() student: EnrollStudentDto): Promise<StudentView> {
    return this.students.enroll(student);
  }

  @Route({ at: 'school', access: { permissions: ['students.view'] } })
  @Get()
  @ApiOperation({ summary: 'Students, a page at a time, with their accounts where linked' })
  @ApiOkResponse({ type: StudentPage })
  list(@Query() query: StudentListQuery): Promise<StudentPage> {
    return this.students.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.activate'] },
    transaction: 'manual',
    errors: [activatedMeanwhile],
  })
  @Post('portal-activation')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Give students portal accounts with temporary passwords (all or nothing); unknown or already active ids are skipped with a reason',
  })
  @ApiOkResponse({ type: ActivationView })
  activate(@Body() body: StudentActivationDto): Promise<ActivationView> {
    return this.activation.activate('student', body.studentIds);
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.activate'] },
    errors: [lastOwnerAccount, activatedMeanwhile],
  })
  @Post('portal-deactivation')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Close students' portal accounts in this school (all or nothing); their records stay and activation can give them new accounts",
  })
  @ApiOkResponse({ type: DeactivationView })
  deactivate(@Body() body: StudentActivationDto): Promise<DeactivationView> {
    return this.accounts.deactivate('student', body.studentIds);
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.activate'] },
    transaction: 'manual',
    errors: [
      personNotFound('student'),
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
      "A new temporary password for a student's account made by this school; every session of it ends",
  })
  @ApiOkResponse({ type: PasswordResetView })
  resetPassword(@Param() params: IdParams): Promise<PasswordResetView> {
    return this.accounts.resetPassword('student', params.id);
  }

  @Route({ at: 'school', access: { permissions: ['students.activate'] }, revealsSecrets: true })
  @Get('credential-distribution')
  @ApiOperation({
    summary: 'Credential slips: activated students who have not set their own password yet',
  })
  @ApiOkResponse({ type: [CredentialSlipView] })
  slips(): Promise<CredentialSlipView[]> {
    return this.activation.credentialSlips('student');
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.view'] },
    errors: [personNotFound('student')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One student, with their guardians' })
  @ApiOkResponse({ type: StudentView })
  get(@Param() params: IdParams): Promise<StudentView> {
    return this.students.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.update'] },
    errors: [personNotFound('student'), admissionNumberTaken('A-1'), ...NO_ROOM],
  })
  @Patch(':id')
  @ApiOperation({ summary: "Change a student's record (names, dates, admission number, status)" })
  @ApiOkResponse({ type: StudentView })
  update(@Param() params: IdParams, @Body() changes: UpdateStudentDto): Promise<StudentView> {
    return this.students.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['students.delete'] },
    errors: [personNotFound('student'), lastOwnerAccount],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Withdraw a student; with permanent=true (students.purge too) delete them and unlink their account',
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams, @Query() query: RemoveStudentQuery): Promise<void> {
    return this.students.remove(params.id, query.permanent);
  }
}
