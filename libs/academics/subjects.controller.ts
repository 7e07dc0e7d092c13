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
  CreateSubjectDto,
  SubjectListQuery,
  SubjectPage,
  SubjectView,
  UpdateSubjectDto,
} from './dto/subjects.dto';
import { SubjectsService } from './subjects.service';

@ApiTags('Academics')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/academics/subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  @Post()
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Create a subject (code unique in the school), optionally of a level' })
  @ApiCreatedResponse({ type: SubjectView })
  create(@Body() subject: CreateSubjectDto): Promise<SubjectView> {
    return this.subjects.create(subject);
  }

  @Get()
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'Subjects, a page at a time' })
  @ApiOkResponse({ type: SubjectPage })
  list(@Query() query: SubjectListQuery): Promise<SubjectPage> {
    return this.subjects.list(query);
  }

  @Get(':id')
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'One subject' })
  @ApiOkResponse({ type: SubjectView })
  get(@Param() params: IdParams): Promise<SubjectView> {
    return this.subjects.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: "Change a subject's code, name, level or description" })
  @ApiOkResponse({ type: SubjectView })
  update(@Param() params: IdParams, @Body() changes: UpdateSubjectDto): Promise<SubjectView> {
    return this.subjects.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Delete a subject nobody teaches and no content uses' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'IN_USE, details { teachingAssignments: n, contents: n }' })
  remove(@Param() params: IdParams): Promise<void> {
    return this.subjects.remove(params.id);
  }
}
