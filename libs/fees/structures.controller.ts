import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import {
  CreateFeeStructureDto,
  FeeStructureList,
  FeeStructuresQuery,
  FeeStructureView,
  ReplaceFeeStructureDto,
} from './dto/setup-structures.dto';
import { feeThingNotFound } from './fees.errors';
import { feeStructureExists } from './setup.errors';
import { StructuresService } from './structures.service';

const structureNotFound = feeThingNotFound('fee structure');
const headNotFound = feeThingNotFound('fee head');

@ApiTags('Fees')
@Controller('api/fees/structures')
export class FeeStructuresController {
  constructor(private readonly structures: StructuresService) {}

  @Route({ at: 'school', access: { permissions: ['fees.view'] } })
  @Get()
  @ApiOperation({ summary: "The school's fee structures with their lines, of one year if asked" })
  @ApiOkResponse({ type: FeeStructureList })
  list(@Query() query: FeeStructuresQuery): Promise<FeeStructureList> {
    return this.structures.list(query.academicYearId);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [
      feeStructureExists,
      feeThingNotFound('academic year'),
      feeThingNotFound('academic level'),
      feeThingNotFound('program'),
      headNotFound,
    ],
  })
  @Post()
  @ApiOperation({
    summary: 'Set what a level (or a program) pays in an academic year: one structure for each',
  })
  @ApiCreatedResponse({ type: FeeStructureView })
  create(@Body() structure: CreateFeeStructureDto): Promise<FeeStructureView> {
    return this.structures.create(structure);
  }

  @Route({ at: 'school', access: { permissions: ['fees.view'] }, errors: [structureNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One fee structure with its lines' })
  @ApiOkResponse({ type: FeeStructureView })
  get(@Param() params: IdParams): Promise<FeeStructureView> {
    return this.structures.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['fees.manage'] },
    errors: [structureNotFound, headNotFound],
  })
  @Put(':id')
  @ApiOperation({
    summary:
      "Replace a structure's name and lines; invoices already written keep the lines they copied",
  })
  @ApiOkResponse({ type: FeeStructureView })
  replace(
    @Param() params: IdParams,
    @Body() structure: ReplaceFeeStructureDto,
  ): Promise<FeeStructureView> {
    return this.structures.replace(params.id, structure);
  }

  @Route({ at: 'school', access: { permissions: ['fees.manage'] }, errors: [structureNotFound] })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a fee structure; invoices written from it keep their lines',
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.structures.remove(params.id);
  }
}
