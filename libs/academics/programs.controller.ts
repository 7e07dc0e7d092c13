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
  CreateProgramDto,
  ProgramListQuery,
  ProgramPage,
  ProgramView,
  UpdateProgramDto,
} from './dto/programs.dto';
import { ProgramsService } from './programs.service';
import { notFound } from './academics.errors';

@ApiTags('Academics')
@Controller('api/academics/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Route({ at: 'school', access: { permissions: ['academics.manage'] } })
  @Post()
  @ApiOperation({ summary: 'Create a program (code unique in the school)' })
  @ApiCreatedResponse({ type: ProgramView })
  create(@Body() program: CreateProgramDto): Promise<ProgramView> {
    return this.programs.create(program);
  }

  @Route({ at: 'school', access: { permissions: ['academics.view'] } })
  @Get()
  @ApiOperation({ summary: 'Programs, a page at a time' })
  @ApiOkResponse({ type: ProgramPage })
  list(@Query() query: ProgramListQuery): Promise<ProgramPage> {
    return this.programs.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view'] },
    errors: [notFound('program')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One program' })
  @ApiOkResponse({ type: ProgramView })
  get(@Param() params: IdParams): Promise<ProgramView> {
    return this.programs.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('program')],
  })
  @Patch(':id')
  @ApiOperation({ summary: "Change a program's code, name or description" })
  @ApiOkResponse({ type: ProgramView })
  update(@Param() params: IdParams, @Body() changes: UpdateProgramDto): Promise<ProgramView> {
    return this.programs.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('program'), inUse({ academicLevels: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a program that has no academic levels' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.programs.remove(params.id);
  }
}
