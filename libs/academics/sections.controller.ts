import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { academicYearNotFound } from '@schoolyard/calendar';
import { IdParams, inUse, Route } from '@schoolyard/common';
import {
  AssignTeachingDto,
  CreateSectionDto,
  SectionListQuery,
  SectionPage,
  SectionStudentParams,
  SectionView,
  TeachingAssignmentView,
  TeachingParams,
  UpdateSectionDto,
} from './dto/sections.dto';
import {
  EnrolInSectionDto,
  EnrolledView,
  RosterQuery,
  RosterView,
  WithdrawalQuery,
} from './dto/enrolment.dto';
import { EnrolmentService } from './enrolment.service';
import { SectionsService } from './sections.service';
import { TeachingService } from './teaching.service';
import {
  alreadyTeaching,
  capacityBelowEnrolment,
  enrolmentNotFound,
  notFound,
  sectionFull,
  studentsNotActive,
  studentsNotFound,
  subjectOfAnotherLevel,
} from './academics.errors';
import {
  dateInFuture,
  enrolmentOverlaps,
  joinedBeforeAcademicYear,
  leftBeforeJoining,
} from './enrolment.errors';

@ApiTags('Academics')
@Controller('api/academics/sections')
export class SectionsController {
  constructor(
    private readonly sections: SectionsService,
    private readonly enrolment: EnrolmentService,
    private readonly teaching: TeachingService,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('academic level'), academicYearNotFound],
  })
  @Post()
  @ApiOperation({ summary: 'Create a section of a level for an academic year' })
  @ApiCreatedResponse({ type: SectionView })
  create(@Body() section: CreateSectionDto): Promise<SectionView> {
    return this.sections.create(section);
  }

  @Route({ at: 'school', access: { permissions: ['academics.view'] } })
  @Get()
  @ApiOperation({ summary: 'Sections, a page at a time, with how many students each holds' })
  @ApiOkResponse({ type: SectionPage })
  list(@Query() query: SectionListQuery): Promise<SectionPage> {
    return this.sections.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view'] },
    errors: [notFound('section')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One section' })
  @ApiOkResponse({ type: SectionView })
  get(@Param() params: IdParams): Promise<SectionView> {
    return this.sections.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('section'), academicYearNotFound, capacityBelowEnrolment(30)],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a section, change its year, capacity (not below enrolment) or homeroom',
  })
  @ApiOkResponse({ type: SectionView })
  update(@Param() params: IdParams, @Body() changes: UpdateSectionDto): Promise<SectionView> {
    return this.sections.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('section'), inUse({ students: 1, contents: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a section without students or content (its teaching assignments go too)',
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.sections.remove(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view', 'students.view'] },
    errors: [notFound('section')],
  })
  @Get(':id/students')
  @ApiOperation({
    summary:
      'The students who were in the section on a day (default today), whatever their status now, with when they joined and left',
  })
  @ApiOkResponse({ type: RosterView })
  roster(@Param() params: IdParams, @Query() query: RosterQuery): Promise<RosterView> {
    return this.enrolment.roster(params.id, query.on);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [
      notFound('section'),
      dateInFuture('joinedOn', '2025-09-01'),
      joinedBeforeAcademicYear('2025-07-01'),
      studentsNotFound([]),
      studentsNotActive([]),
      enrolmentOverlaps([]),
      sectionFull(30, 30, 1),
    ],
  })
  @Post(':id/students')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Enrol active students in the section from a day (default today), all or nothing, within its capacity; GET /api/academics/sections/:id/students lists who is in it',
  })
  @ApiOkResponse({ type: EnrolledView })
  enrol(@Param() params: IdParams, @Body() body: EnrolInSectionDto): Promise<EnrolledView> {
    return this.enrolment.enrol(params.id, body.studentIds, body.joinedOn);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [
      notFound('section'),
      enrolmentNotFound,
      dateInFuture('leftOn', '2025-09-01'),
      leftBeforeJoining('2025-09-01'),
    ],
  })
  @Delete(':id/students/:studentId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Take a student out of the section from a day (default today); their stay stays in its history, their submissions stay theirs',
  })
  @ApiNoContentResponse()
  withdraw(@Param() params: SectionStudentParams, @Query() query: WithdrawalQuery): Promise<void> {
    return this.enrolment.withdraw(params.id, params.studentId, query.leftOn);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view'] },
    errors: [notFound('section')],
  })
  @Get(':id/teaching')
  @ApiOperation({ summary: 'Who teaches which subject in the section' })
  @ApiOkResponse({ type: [TeachingAssignmentView] })
  teachingOf(@Param() params: IdParams): Promise<TeachingAssignmentView[]> {
    return this.teaching.list(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [
      notFound('section'),
      notFound('subject'),
      notFound('instructor'),
      subjectOfAnotherLevel,
      alreadyTeaching,
    ],
  })
  @Post(':id/teaching')
  @ApiOperation({ summary: 'Assign an instructor to teach a subject in the section' })
  @ApiCreatedResponse({ type: TeachingAssignmentView })
  assign(
    @Param() params: IdParams,
    @Body() teaching: AssignTeachingDto,
  ): Promise<TeachingAssignmentView> {
    return this.teaching.assign(params.id, teaching);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('teaching assignment')],
  })
  @Delete(':id/teaching/:assignmentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a teaching assignment (the content stays)' })
  @ApiNoContentResponse()
  unassign(@Param() params: TeachingParams): Promise<void> {
    return this.teaching.unassign(params.id, params.assignmentId);
  }
}
