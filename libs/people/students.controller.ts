import { RevealsSecrets } from '@schoolyard/identity';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermissions } from '@schoolyard/rbac';
import { ManualTenantTransaction, SchoolScoped } from '@schoolyard/tenancy';
import {
  ActivationView,
  CredentialSlipView,
  IdParams,
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
  remove(@Param() params: IdParams, @Query() query: RemoveStudentQuery): Promise<void> {
    return this.students.remove(params.id, query.permanent);
  }
}
