import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, Route } from '@schoolyard/common';
import { ContentsService } from './contents.service';
import {
  ContentListQuery,
  ContentPage,
  ContentView,
  CreateContentDto,
  UpdateContentDto,
} from './dto/contents.dto';
import { CallerViewer } from './viewer';
import { contentNotFound, maxBelowAwarded, notTeaching } from './coursework.errors';

@ApiTags('Course content')
@Controller('api/course-content/contents')
export class ContentsController {
  constructor(
    private readonly contents: ContentsService,
    private readonly viewer: CallerViewer,
  ) {}

  @Route({ at: 'school', access: { permissions: ['coursework.manage'] }, errors: [notTeaching] })
  @Post()
  @ApiOperation({
    summary:
      'Publish (or draft) an assignment, note or resource in a section one teaches the subject in',
  })
  @ApiCreatedResponse({ type: ContentView })
  async create(@Body() content: CreateContentDto): Promise<ContentView> {
    return this.contents.create(await this.viewer.current(), content);
  }

  @Route({ at: 'school', access: { permissions: ['coursework.view'] } })
  @Get()
  @ApiOperation({
    summary:
      "Course content the caller may see: their sections' (instructors), published content of their own or their children's sections (students, guardians), all (coursework.oversee)",
  })
  @ApiOkResponse({ type: ContentPage })
  async list(@Query() query: ContentListQuery): Promise<ContentPage> {
    return this.contents.list(await this.viewer.current(), query);
  }

  @Route({ at: 'school', access: { permissions: ['coursework.view'] }, errors: [contentNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One piece of content; 404 when the caller may not see it' })
  @ApiOkResponse({ type: ContentView })
  async get(@Param() params: IdParams): Promise<ContentView> {
    return this.contents.get(await this.viewer.current(), params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['coursework.manage'] },
    errors: [contentNotFound, notTeaching, maxBelowAwarded(10)],
  })
  @Patch(':id')
  @ApiOperation({ summary: 'Change, publish or unpublish content of a section one teaches' })
  @ApiOkResponse({ type: ContentView })
  async update(@Param() params: IdParams, @Body() changes: UpdateContentDto): Promise<ContentView> {
    return this.contents.update(await this.viewer.current(), params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['coursework.manage'] },
    errors: [contentNotFound, notTeaching, inUse({ submissions: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete content nobody has handed work in to' })
  @ApiNoContentResponse()
  async remove(@Param() params: IdParams): Promise<void> {
    return this.contents.remove(await this.viewer.current(), params.id);
  }
}
