import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { notFound } from './attendance.errors';
import { KindRangeQuery, SectionReportView, StudentAttendanceView } from './dto/reports.dto';
import { ReportsService } from './reports.service';
import { CallerScope } from '@schoolyard/rbac';
import { ATTENDANCE_OFFICE } from './attendance-scope';

@ApiTags('Attendance')
@Controller('api/attendance')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['attendance.view'] },
    errors: [notFound('section')],
  })
  @Get('reports/sections/:id')
  @ApiOperation({
    summary:
      "A section's figures per student between two dates: marks, rate, longest and current run of absences",
  })
  @ApiOkResponse({ type: SectionReportView })
  section(@Param() params: IdParams, @Query() query: KindRangeQuery): Promise<SectionReportView> {
    return this.reports.section(this.caller.current(...ATTENDANCE_OFFICE), params.id, query);
  }

  @Route({
    at: 'school',
    access: { signedIn: 'a student reads only their own attendance' },
    errors: [notFound('student')],
  })
  @Get('my-record')
  @ApiOperation({ summary: "The signed-in student's own attendance between two dates" })
  @ApiOkResponse({ type: StudentAttendanceView })
  mine(@Query() query: KindRangeQuery): Promise<StudentAttendanceView> {
    return this.reports.student('self', this.caller.own(), null, query);
  }
}

@ApiTags('Attendance')
@Controller('api/students')
export class StudentAttendanceController {
  constructor(
    private readonly reports: ReportsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['attendance.view'] },
    errors: [notFound('student')],
  })
  @Get(':id/attendance')
  @ApiOperation({
    summary:
      "A student's attendance between two dates: instructors of their sections, the office (attendance.manage) anyone's",
  })
  @ApiOkResponse({ type: StudentAttendanceView })
  student(
    @Param() params: IdParams,
    @Query() query: KindRangeQuery,
  ): Promise<StudentAttendanceView> {
    return this.reports.student(
      'staff',
      this.caller.current(...ATTENDANCE_OFFICE),
      params.id,
      query,
    );
  }
}

@ApiTags('Attendance')
@Controller('api/guardians/my-children')
export class ChildAttendanceController {
  constructor(
    private readonly reports: ReportsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a guardian reads only the children linked to their own profile' },
    errors: [notFound('student')],
  })
  @Get(':id/attendance')
  @ApiOperation({ summary: "The signed-in guardian's child's attendance between two dates" })
  @ApiOkResponse({ type: StudentAttendanceView })
  child(@Param() params: IdParams, @Query() query: KindRangeQuery): Promise<StudentAttendanceView> {
    return this.reports.student('guardian', this.caller.own(), params.id, query);
  }
}
