import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, Route } from '@schoolyard/common';
import {
  CreateSubjectDto,
  SubjectListQuery,
  SubjectPage,
  SubjectView,
  UpdateSubjectDto,
} from './dto/subjects.dto';
import { SubjectsService } from './subjects.service';
import { notFound } from './academics.errors';

@ApiTags('Academics')
@Controller('api/academics/subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  @Route({ at: 'school', access: { permissions: ['academics.manage'] } })
  @Post()
  @ApiOperation({ summary: 'Create a subject (code unique in the school), optionally of a level' })
  @ApiCreatedResponse({ type: SubjectView })
  create(@Body() subject: CreateSubjectDto): Promise<SubjectView> {
    return this.subjects.create(subject);
  }

  @Route({ at: 'school', access: { permissions: ['academics.view'] } })
  @Get()
  @ApiOperation({ summary: 'Subjects, a page at a time' })
  @ApiOkResponse({ type: SubjectPage })
  list(@Query() query: SubjectListQuery): Promise<SubjectPage> {
    return this.subjects.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view'] },
    errors: [notFound('subject')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One subject' })
  @ApiOkResponse({ type: SubjectView })
  get(@Param() params: IdParams): Promise<SubjectView> {
    return this.subjects.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('subject')],
  })
  @Patch(':id')
  @ApiOperation({ summary: "Change a subject's code, name, level or description" })
  @ApiOkResponse({ type: SubjectView })
  update(@Param() params: IdParams, @Body() changes: UpdateSubjectDto): Promise<SubjectView> {
    return this.subjects.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('subject'), inUse({ teachingAssignments: 1, contents: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subject nobody teaches and no content uses' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.subjects.remove(params.id);
  }
}
