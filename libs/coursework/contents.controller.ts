import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams } from '@schoolyard/common';
import { RequirePermissions } from '@schoolyard/rbac';
import { SchoolScoped } from '@schoolyard/tenancy';
import { ContentsService } from './contents.service';
import {
  ContentListQuery,
  ContentPage,
  ContentView,
  CreateContentDto,
  UpdateContentDto,
} from './dto/contents.dto';
import { CallerViewer } from './viewer';

const NOT_TEACHING = 'FORBIDDEN: the caller does not teach this subject in this section';

@ApiTags('Course content')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/course-content/contents')
export class ContentsController {
  constructor(
    private readonly contents: ContentsService,
    private readonly viewer: CallerViewer,
  ) {}

  @Post()
  @RequirePermissions('coursework.manage')
  @ApiOperation({
    summary:
      'Publish (or draft) an assignment, note or resource in a section one teaches the subject in',
  })
  @ApiCreatedResponse({ type: ContentView })
  @ApiForbiddenResponse({ description: NOT_TEACHING })
  async create(@Body() content: CreateContentDto): Promise<ContentView> {
    return this.contents.create(await this.viewer.current(), content);
  }

  @Get()
  @RequirePermissions('coursework.view')
  @ApiOperation({
    summary:
      "Course content the caller may see: their sections' (instructors), published content of their own or their children's sections (students, guardians), all (coursework.oversee)",
  })
  @ApiOkResponse({ type: ContentPage })
  async list(@Query() query: ContentListQuery): Promise<ContentPage> {
    return this.contents.list(await this.viewer.current(), query);
  }

  @Get(':id')
  @RequirePermissions('coursework.view')
  @ApiOperation({ summary: 'One piece of content; 404 when the caller may not see it' })
  @ApiOkResponse({ type: ContentView })
  async get(@Param() params: IdParams): Promise<ContentView> {
    return this.contents.get(await this.viewer.current(), params.id);
  }

  @Patch(':id')
  @RequirePermissions('coursework.manage')
  @ApiOperation({ summary: 'Change, publish or unpublish content of a section one teaches' })
  @ApiOkResponse({ type: ContentView })
  @ApiForbiddenResponse({ description: NOT_TEACHING })
  async update(@Param() params: IdParams, @Body() changes: UpdateContentDto): Promise<ContentView> {
    return this.contents.update(await this.viewer.current(), params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('coursework.manage')
  @ApiOperation({ summary: 'Delete content nobody has handed work in to' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ description: NOT_TEACHING })
  @ApiConflictResponse({ description: 'IN_USE, details { submissions: n }' })
  async remove(@Param() params: IdParams): Promise<void> {
    return this.contents.remove(await this.viewer.current(), params.id);
  }
}
