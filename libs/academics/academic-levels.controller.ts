import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, Route } from '@schoolyard/common';
import { AcademicLevelsService } from './academic-levels.service';
import {
  AcademicLevelListQuery,
  AcademicLevelPage,
  AcademicLevelView,
  CreateAcademicLevelDto,
  UpdateAcademicLevelDto,
} from './dto/levels.dto';
import { notFound } from './academics.errors';

@ApiTags('Academics')
@Controller('api/academics/academic-levels')
export class AcademicLevelsController {
  constructor(private readonly levels: AcademicLevelsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('program')],
  })
  @Post()
  @ApiOperation({ summary: 'Add a level to a program, at a position' })
  @ApiCreatedResponse({ type: AcademicLevelView })
  create(@Body() level: CreateAcademicLevelDto): Promise<AcademicLevelView> {
    return this.levels.create(level);
  }

  @Route({ at: 'school', access: { permissions: ['academics.view'] } })
  @Get()
  @ApiOperation({ summary: 'Academic levels, program by program in their order' })
  @ApiOkResponse({ type: AcademicLevelPage })
  list(@Query() query: AcademicLevelListQuery): Promise<AcademicLevelPage> {
    return this.levels.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.view'] },
    errors: [notFound('academic level')],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One academic level' })
  @ApiOkResponse({ type: AcademicLevelView })
  get(@Param() params: IdParams): Promise<AcademicLevelView> {
    return this.levels.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('academic level')],
  })
  @Patch(':id')
  @ApiOperation({ summary: 'Rename or reorder a level' })
  @ApiOkResponse({ type: AcademicLevelView })
  update(
    @Param() params: IdParams,
    @Body() changes: UpdateAcademicLevelDto,
  ): Promise<AcademicLevelView> {
    return this.levels.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['academics.manage'] },
    errors: [notFound('academic level'), inUse({ sections: 1, subjects: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a level that has no sections and no subjects' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.levels.remove(params.id);
  }
}
