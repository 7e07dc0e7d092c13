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
  CreateProgramDto,
  ProgramListQuery,
  ProgramPage,
  ProgramView,
  UpdateProgramDto,
} from './dto/programs.dto';
import { ProgramsService } from './programs.service';

@ApiTags('Academics')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/academics/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Post()
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Create a program (code unique in the school)' })
  @ApiCreatedResponse({ type: ProgramView })
  create(@Body() program: CreateProgramDto): Promise<ProgramView> {
    return this.programs.create(program);
  }

  @Get()
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'Programs, a page at a time' })
  @ApiOkResponse({ type: ProgramPage })
  list(@Query() query: ProgramListQuery): Promise<ProgramPage> {
    return this.programs.list(query);
  }

  @Get(':id')
  @RequirePermissions('academics.view')
  @ApiOperation({ summary: 'One program' })
  @ApiOkResponse({ type: ProgramView })
  get(@Param() params: IdParams): Promise<ProgramView> {
    return this.programs.get(params.id);
  }

  @Patch(':id')
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: "Change a program's code, name or description" })
  @ApiOkResponse({ type: ProgramView })
  update(@Param() params: IdParams, @Body() changes: UpdateProgramDto): Promise<ProgramView> {
    return this.programs.update(params.id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions('academics.manage')
  @ApiOperation({ summary: 'Delete a program that has no academic levels' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'IN_USE, details { academicLevels: n }' })
  remove(@Param() params: IdParams): Promise<void> {
    return this.programs.remove(params.id);
  }
}
