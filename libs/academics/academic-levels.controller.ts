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
import { AcademicLevelsService } from './academic-levels.service';
import {
  AcademicLevelListQuery,
  AcademicLevelPage,
  AcademicLevelView,
  CreateAcademicLevelDto,
  UpdateAcademicLevelDto,
} from './dto/levels.dto';

@ApiTags('Academics')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/academics/academic-levels')
export class AcademicLevelsController {
  constructor(private readonly levels: AcademicLevelsService) {}

  @Post()
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Add a level to a program, at a position' })
  @ApiCreatedResponse({ type: AcademicLevelView })
  create(@Body() level: CreateAcademicLevelDto): Promise<AcademicLevelView> {
    return this.levels.create(level);
  }

  @Get()
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'Academic levels, program by program in their order' })
  @ApiOkResponse({ type: AcademicLevelPage })
  list(@Query() query: AcademicLevelListQuery): Promise<AcademicLevelPage> {
    return this.levels.list(query);
  }

  @Get(':id')
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'One academic level' })
  @ApiOkResponse({ type: AcademicLevelView })
  get(@Param() params: IdParams): Promise<AcademicLevelView> {
    return this.levels.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Rename or reorder a level' })
  @ApiOkResponse({ type: AcademicLevelView })
  update(
    @Param() params: IdParams,
    @Body() changes: UpdateAcademicLevelDto,
  ): Promise<AcademicLevelView> {
    return this.levels.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Delete a level that has no sections and no subjects' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'IN_USE, details { sections: n, subjects: n }' })
  remove(@Param() params: IdParams): Promise<void> {
    return this.levels.remove(params.id);
  }
}
