import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams } from '@schoolyard/common';
import { RequirePermissions } from '@schoolyard/rbac';
import { SchoolScoped } from '@schoolyard/tenancy';
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

@ApiTags('Academics')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/academics/sections')
export class SectionsController {
  constructor(
    private readonly sections: SectionsService,
    private readonly enrolment: EnrolmentService,
    private readonly teaching: TeachingService,
  ) {}

  @Post()
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Create a section of a level for an academic year' })
  @ApiCreatedResponse({ type: SectionView })
  create(@Body() section: CreateSectionDto): Promise<SectionView> {
    return this.sections.create(section);
  }

  @Get()
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'Sections, a page at a time, with how many students each holds' })
  @ApiOkResponse({ type: SectionPage })
  list(@Query() query: SectionListQuery): Promise<SectionPage> {
    return this.sections.list(query);
  }

  @Get(':id')
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'One section' })
  @ApiOkResponse({ type: SectionView })
  get(@Param() params: IdParams): Promise<SectionView> {
    return this.sections.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('academics.manage')
  @ApiOperation({
    summary: 'Rename a section, change its year, capacity (not below enrolment) or homeroom',
  })
  @ApiOkResponse({ type: SectionView })
  update(@Param() params: IdParams, @Body() changes: UpdateSectionDto): Promise<SectionView> {
    return this.sections.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({
    summary: 'Delete a section without students or content (its teaching assignments go too)',
  })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'IN_USE, details { students: n, contents: n }' })
  remove(@Param() params: IdParams): Promise<void> {
    return this.sections.remove(params.id);
  }

  @Post(':id/students')
  @HttpCode(200)
  @RequirePermissions('academics.manage')
  @ApiOperation({
    summary:
      'Enrol active students in the section, all or nothing, within its capacity; the enrolled ones are listed by GET /api/students?sectionId=',
  })
  @ApiOkResponse({ type: EnrolmentView })
  @ApiConflictResponse({ description: 'SECTION_FULL or STUDENT_NOT_ACTIVE' })
  enrol(@Param() params: IdParams, @Body() body: EnrolStudentsDto): Promise<EnrolmentView> {
    return this.enrolment.enrol(params.id, body.studentIds);
  }

  @Delete(':id/students/:studentId')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Take a student out of the section (their submissions stay)' })
  @ApiNoContentResponse()
  withdraw(@Param() params: SectionStudentParams): Promise<void> {
    return this.enrolment.withdraw(params.id, params.studentId);
  }

  @Get(':id/teaching')
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'Who teaches which subject in the section' })
  @ApiOkResponse({ type: [TeachingAssignmentView] })
  teachingOf(@Param() params: IdParams): Promise<TeachingAssignmentView[]> {
    return this.teaching.list(params.id);
  }

  @Post(':id/teaching')
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Assign an instructor to teach a subject in the section' })
  @ApiCreatedResponse({ type: TeachingAssignmentView })
  assign(
    @Param() params: IdParams,
    @Body() teaching: AssignTeachingDto,
  ): Promise<TeachingAssignmentView> {
    return this.teaching.assign(params.id, teaching);
  }

  @Delete(':id/teaching/:assignmentId')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'End a teaching assignment (the content stays)' })
  @ApiNoContentResponse()
  unassign(@Param() params: TeachingParams): Promise<void> {
    return this.teaching.unassign(params.id, params.assignmentId);
  }
}
