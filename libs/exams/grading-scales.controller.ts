import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, Route } from '@schoolyard/common';
import { GradingScaleDto, GradingScaleList, GradingScaleView } from './dto/grading-scales.dto';
import { bandInUse, defaultScaleKept, examThingNotFound, scaleNameTaken } from './exams.errors';
import { GradingScalesService } from './grading-scales.service';

const scaleNotFound = examThingNotFound('grading scale');

@ApiTags('Exams')
@Controller('api/exams/grading-scales')
export class GradingScalesController {
  constructor(private readonly scales: GradingScalesService) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [scaleNameTaken],
  })
  @Post()
  @ApiOperation({ summary: 'Create a grading scale with its bands' })
  @ApiCreatedResponse({ type: GradingScaleView })
  create(@Body() scale: GradingScaleDto): Promise<GradingScaleView> {
    return this.scales.create(scale);
  }

  @Route({ at: 'school', access: { permissions: ['exams.view'] } })
  @Get()
  @ApiOperation({ summary: "The school's grading scales, the default first" })
  @ApiOkResponse({ type: GradingScaleList })
  list(): Promise<GradingScaleList> {
    return this.scales.list();
  }

  @Route({ at: 'school', access: { permissions: ['exams.view'] }, errors: [scaleNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One grading scale, its bands highest first' })
  @ApiOkResponse({ type: GradingScaleView })
  get(@Param() params: IdParams): Promise<GradingScaleView> {
    return this.scales.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [
      scaleNotFound,
      scaleNameTaken,
      bandInUse({ id: '00000000-0000-4000-8000-000000000000', letter: 'B+', results: 12 }),
    ],
  })
  @Put(':id')
  @ApiOperation({
    summary: "Replace a scale's name and bands (bands with an id are kept and changed)",
    description:
      'Bands not sent are deleted, unless published results were graded in them (409 IN_USE).',
  })
  @ApiOkResponse({ type: GradingScaleView })
  replace(@Param() params: IdParams, @Body() scale: GradingScaleDto): Promise<GradingScaleView> {
    return this.scales.replace(params.id, scale);
  }

  @Route({ at: 'school', access: { permissions: ['exams.manage'] }, errors: [scaleNotFound] })
  @Post(':id/make-default')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make this the scale of every exam that names none' })
  @ApiOkResponse({ type: GradingScaleView })
  makeDefault(@Param() params: IdParams): Promise<GradingScaleView> {
    return this.scales.makeDefault(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [scaleNotFound, defaultScaleKept, inUse({ exams: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a scale that is not the default, no exam names and no result used',
  })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.scales.remove(params.id);
  }
}
