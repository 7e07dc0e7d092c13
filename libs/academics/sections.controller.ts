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
  EnrolmentView,
  EnrolStudentsDto,
  SectionListQuery,
  SectionPage,
  SectionStudentParams,
  SectionView,
  TeachingAssignmentView,
  TeachingParams,
  UpdateSectionDto,
} from './dto/sections.dto';
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
    access: { permissions: ['academics.manage'] },
    errors: [
      notFound('section'),
      studentsNotFound([]),
      studentsNotActive([]),
      sectionFull(30, 30, 1),
    ],
  })
  @Post(':id/students')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Enrol active students in the section, all or nothing, within its capacity; the enrolled ones are listed by GET /api/students?sectionId=',
  })
  @ApiOkResponse({ type: EnrolmentView })
  enrol(@Param() params: IdParams, @Body() body: EnrolStudentsDto): Promise<EnrolmentView> {
    return this.enrolment.enrol(params.id, body.studentIds);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [enrolmentNotFound],
  })
  @Delete(':id/students/:studentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a student out of the section (their submissions stay)' })
  @ApiNoContentResponse()
  withdraw(@Param() params: SectionStudentParams): Promise<void> {
    return this.enrolment.withdraw(params.id, params.studentId);
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
