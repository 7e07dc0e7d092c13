import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { noSubscription, planLimitReached } from '@schoolyard/billing';
import { inUse, Route } from '@schoolyard/common';
import { IdParams, StudentActivationDto } from './dto/person.dto';
import {
  EnrollStudentDto,
  RemoveStudentQuery,
  StudentListQuery,
  StudentPage,
  StudentView,
  UpdateStudentDto,
} from './dto/students.dto';
import { PortalAccountControls } from './portal-account-controls.service';
import { PortalAccountRoutes } from './portal-account-routes';
import { PortalActivation } from './portal-activation.service';
import { StudentsService } from './students.service';
import { admissionNumberTaken, lastOwnerAccount, personNotFound } from './people.errors';

/** Enrolling, or bringing a student back to active, needs a place in the school's plan. */
const NO_ROOM = [planLimitReached('students', 100, 'Basic'), noSubscription];

@ApiTags('Students')
@Controller('api/students')
export class StudentsController extends PortalAccountRoutes({
  kind: 'student',
  permission: 'students.activate',
  noun: 'student',
  activationPath: 'portal-activation',
  idsBody: StudentActivationDto,
  ids: (body) => body.studentIds,
  summaries: {
    activate:
      'Give students portal accounts with temporary passwords (all or nothing); unknown or already active ids are skipped with a reason',
    slips: 'Credential slips: activated students who have not set their own password yet',
  },
}) {
  constructor(
    private readonly students: StudentsService,
    activation: PortalActivation,
    accounts: PortalAccountControls,
  ) {
    super(activation, accounts);
  }

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
    errors: [personNotFound('student'), lastOwnerAccount, inUse({ invoices: 2, receipts: 1 })],
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
