import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { type FastifyReply } from 'fastify';
import {
  futureDate,
  notASchoolDay,
  notFound,
  notHomeroom,
  notTeachingSubject,
  registerLocked,
  sessionOfAnotherSubject,
  studentsNotFound,
  studentsNotMarkable,
  subjectOfAnotherLevel,
} from './attendance.errors';
import {
  CreateSessionDto,
  RegisterView,
  SaveRecordsDto,
  SessionListQuery,
  SessionView,
} from './dto/sessions.dto';
import { RegistersService } from './registers.service';
import { CallerScope } from '@schoolyard/rbac';
import { ATTENDANCE_OFFICE } from './attendance-scope';

const dayRefusals = [futureDate, notASchoolDay('holiday')];

@ApiTags('Attendance')
@Controller('api/attendance/sessions')
export class RegistersController {
  constructor(
    private readonly registers: RegistersService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['attendance.take'] },
    errors: [
      notFound('section'),
      notFound('subject'),
      subjectOfAnotherLevel,
      notHomeroom,
      notTeachingSubject,
      ...dayRefusals,
      registerLocked('2026-11-02', '2026-11-02'),
      sessionOfAnotherSubject,
    ],
  })
  @Post()
  @ApiOperation({
    summary:
      'Open the register of a section for a day (daily) or a lesson (subject and period); 200 with the one already open',
  })
  @ApiCreatedResponse({ type: RegisterView, description: 'Opened' })
  @ApiOkResponse({ type: RegisterView, description: 'Already open: the same register' })
  async open(
    @Body() session: CreateSessionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisterView> {
    const opened = await this.registers.open(this.caller.current(...ATTENDANCE_OFFICE), session);
    reply.status(opened.created ? 201 : 200);
    return opened.register;
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.view'] },
    errors: [notFound('section')],
  })
  @Get()
  @ApiOperation({
    summary:
      "A section's registers between two dates (at most 366 days), with their counts per mark",
  })
  @ApiOkResponse({ type: [SessionView] })
  list(@Query() query: SessionListQuery): Promise<SessionView[]> {
    return this.registers.list(this.caller.current(...ATTENDANCE_OFFICE), query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.view'] },
    errors: [notFound('attendance session')],
  })
  @Get(':id')
  @ApiOperation({
    summary: 'A register: every student of the section on its date, with their mark or null',
  })
  @ApiOkResponse({ type: RegisterView })
  get(@Param() params: IdParams): Promise<RegisterView> {
    return this.registers.get(this.caller.current(...ATTENDANCE_OFFICE), params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.take'] },
    errors: [
      notFound('attendance session'),
      notHomeroom,
      notTeachingSubject,
      registerLocked('2026-11-02', '2026-11-02'),
      ...dayRefusals,
      studentsNotFound([]),
      studentsNotMarkable([]),
    ],
  })
  @Put(':id/records')
  @ApiOperation({
    summary:
      'Mark students, all or nothing; students not listed keep their marks; answers the register',
  })
  @ApiOkResponse({ type: RegisterView })
  save(@Param() params: IdParams, @Body() body: SaveRecordsDto): Promise<RegisterView> {
    return this.registers.save(this.caller.current(...ATTENDANCE_OFFICE), params.id, body.records);
  }

  @Route({
    at: 'school',
    access: { permissions: ['attendance.manage'] },
    errors: [notFound('attendance session')],
  })
  @Post(':id/unlock')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Reopen a closed register for its teachers until today + the school's attendance edit days",
  })
  @ApiOkResponse({ type: RegisterView })
  unlock(@Param() params: IdParams): Promise<RegisterView> {
    return this.registers.unlock(this.caller.current(...ATTENDANCE_OFFICE), params.id);
  }
}
