import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { checkRange, notFound } from '@schoolyard/attendance';
import {
  GUARDIAN_COLUMNS,
  IdParams,
  Route,
  STAFF_COLUMNS,
  STUDENT_COLUMNS,
} from '@schoolyard/common';
import { printedNumber } from '@schoolyard/fees';
import { CallerScope } from '@schoolyard/rbac';
import { type FastifyReply } from 'fastify';
import { exportDate, streamCsv } from './csv-stream';
import {
  AttendanceExportQuery,
  FeesExportQuery,
  PeopleExportQuery,
  StudentsExportQuery,
} from './dto/exports.dto';
import { StudentExportView } from './dto/student-export.dto';
import { ExportsRepository } from './exports.repository';
import { StudentExportService } from './student-export.service';

/** The contract's columns, then what identifies the register (kind, period, subject). */
export const ATTENDANCE_COLUMNS = [
  'date',
  'section',
  'admissionNumber',
  'firstName',
  'lastName',
  'status',
  'lateMinutes',
  'note',
  'kind',
  'period',
  'subjectCode',
] as const;
export const FEE_COLUMNS = [
  'invoiceNumber',
  'admissionNumber',
  'firstName',
  'lastName',
  'period',
  'issuedOn',
  'dueOn',
  'currency',
  'totalMinor',
  'paidMinor',
  'balanceMinor',
  'status',
] as const;

const CSV_ANSWER = {
  description: 'A CSV file (byte-order mark, header row, then the rows), streamed as it is read',
  content: { 'text/csv': { schema: { type: 'string' } } },
};

/*
 * Each route runs in the school's transaction as usual; the handler returns only once the
 * file has been written (csv-stream.ts), so its cursor reads from one snapshot throughout.
 */
@ApiTags('Exports')
@Controller('api/exports')
export class ExportsController {
  constructor(
    private readonly rows: ExportsRepository,
    private readonly caller: CallerScope,
  ) {}

  @Route({ at: 'school', access: { permissions: ['data.export', 'students.view'] } })
  @Get('students.csv')
  @ApiOperation({ summary: 'Every student the students list would show, as CSV' })
  @ApiOkResponse(CSV_ANSWER)
  async students(@Query() query: StudentsExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const pages = await this.rows.students(query);
    await streamCsv(reply, `students-${exportDate()}.csv`, STUDENT_COLUMNS, pages, (r) => [
      r.admission_number,
      r.first_name,
      r.middle_name,
      r.last_name,
      r.email,
      r.admission_date,
      r.date_of_birth,
      r.gender,
      r.status,
    ]);
  }

  @Route({ at: 'school', access: { permissions: ['data.export', 'staff.view'] } })
  @Get('staff.csv')
  @ApiOperation({ summary: 'Every member of staff the staff list would show, as CSV' })
  @ApiOkResponse(CSV_ANSWER)
  async staff(@Query() query: PeopleExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const pages = await this.rows.staff(query);
    await streamCsv(reply, `staff-${exportDate()}.csv`, STAFF_COLUMNS, pages, (r) => [
      r.email,
      r.first_name,
      r.middle_name,
      r.last_name,
      r.job_title,
      r.department,
      r.hire_date,
      r.status,
    ]);
  }

  @Route({ at: 'school', access: { permissions: ['data.export', 'guardians.view'] } })
  @Get('guardians.csv')
  @ApiOperation({ summary: 'Guardians as CSV, one row per guardian and child' })
  @ApiOkResponse(CSV_ANSWER)
  async guardians(@Query() query: PeopleExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const pages = await this.rows.guardians(query);
    await streamCsv(reply, `guardians-${exportDate()}.csv`, GUARDIAN_COLUMNS, pages, (r) => [
      r.email,
      r.phone,
      r.first_name,
      r.middle_name,
      r.last_name,
      r.admission_number,
      r.relationship,
    ]);
  }

  @Route({
    at: 'school',
    access: { permissions: ['data.export', 'attendance.view'] },
    errors: [notFound('section')],
  })
  @Get('attendance.csv')
  @ApiOperation({
    summary: "A section's attendance marks between two dates (at most 366 days), as CSV",
  })
  @ApiOkResponse(CSV_ANSWER)
  async attendance(
    @Query() query: AttendanceExportQuery,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    checkRange(query.from, query.to);
    const scope = this.caller.current('attendance.manage');
    if (!(await this.rows.sectionVisible(query.sectionId, scope))) throw notFound('section')();
    const pages = await this.rows.attendance(query);
    const name = `attendance-${query.from}-to-${query.to}.csv`;
    await streamCsv(reply, name, ATTENDANCE_COLUMNS, pages, (r) => [
      r.on_date,
      r.section,
      r.admission_number,
      r.first_name,
      r.last_name,
      r.status,
      r.late_minutes,
      r.note,
      r.kind,
      r.period,
      r.subject_code,
    ]);
  }

  @Route({ at: 'school', access: { permissions: ['data.export', 'fees.view'] } })
  @Get('fees.csv')
  @ApiOperation({ summary: 'Fee invoices the invoices list would show, as CSV, one per row' })
  @ApiOkResponse(CSV_ANSWER)
  async fees(@Query() query: FeesExportQuery, @Res() reply: FastifyReply): Promise<void> {
    const pages = await this.rows.fees(query);
    await streamCsv(reply, `fees-${exportDate()}.csv`, FEE_COLUMNS, pages, (r) => [
      printedNumber('INV', r.number),
      r.admission_number,
      r.first_name,
      r.last_name,
      r.period_key,
      r.issued_on,
      r.due_on,
      r.currency,
      r.total_minor,
      r.paid_minor,
      r.balance_minor,
      r.status,
    ]);
  }
}

@ApiTags('Exports')
@Controller('api/students')
export class StudentExportController {
  constructor(private readonly exports: StudentExportService) {}

  @Route({
    at: 'school',
    access: { permissions: ['data.export', 'students.view'] },
    errors: [notFound('student')],
  })
  @Get(':id/export')
  @ApiOperation({
    summary: 'Everything the school holds about one student, for a subject-access request',
  })
  @ApiOkResponse({ type: StudentExportView })
  export(@Param() params: IdParams): Promise<StudentExportView> {
    return this.exports.export(params.id);
  }
}
