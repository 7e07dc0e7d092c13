import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { ReplaceWeightingsDto, TermParams, WeightingsView } from './dto/report-cards.dto';
import { notFound, subjectsNotFound } from './report-cards.errors';
import { WeightingsService } from './weightings.service';

@ApiTags('Exams')
@Controller('api/exams/weightings')
export class WeightingsController {
  constructor(private readonly weightings: WeightingsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [notFound('term'), subjectsNotFound([])],
  })
  @Put(':termId')
  @ApiOperation({
    summary:
      "Replaces the term's weightings: per subject, the coursework share of the term grade (0-100); exams are the rest",
  })
  @ApiOkResponse({ type: WeightingsView })
  replace(
    @Param() params: TermParams,
    @Body() body: ReplaceWeightingsDto,
  ): Promise<WeightingsView> {
    return this.weightings.replace(params.termId, body);
  }

  @Route({ at: 'school', access: { permissions: ['exams.view'] }, errors: [notFound('term')] })
  @Get(':termId')
  @ApiOperation({
    summary: "The term's weightings; a subject not listed counts exams only",
  })
  @ApiOkResponse({ type: WeightingsView })
  read(@Param() params: TermParams): Promise<WeightingsView> {
    return this.weightings.read(params.termId);
  }
}
