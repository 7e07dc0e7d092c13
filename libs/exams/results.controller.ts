import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import {
  OwnResultsView,
  PublishSummaryView,
  SectionResultsQuery,
  SectionResultsView,
  TermFilterQuery,
} from './dto/results.dto';
import { notFound, notInMarking, resultsNotPublished } from './results.errors';
import { ResultsService } from './results.service';
import { CallerScope } from '@schoolyard/rbac';
import { RESULTS_OFFICE } from './exams-office';

@ApiTags('Exam results')
@Controller('api/exams')
export class ResultsController {
  constructor(
    private readonly results: ResultsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.publish'] },
    errors: [notFound('exam'), notInMarking],
  })
  @Post(':id/publish')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Publish an exam in marking (again after a reopening): every student's totals, grades and rank in their section computed afresh",
  })
  @ApiOkResponse({ type: PublishSummaryView })
  publish(@Param() params: IdParams): Promise<PublishSummaryView> {
    return this.results.publish(this.caller.current(...RESULTS_OFFICE), params.id);
  }

  @Route({
    at: 'school',
    access: { signedIn: 'a student reads only their own results' },
    errors: [notFound('student')],
  })
  @Get('my-results')
  @ApiOperation({
    summary:
      "The signed-in student's results of published and locked exams (a reopened exam's are hidden until it is published again)",
  })
  @ApiOkResponse({ type: OwnResultsView })
  mine(@Query() query: TermFilterQuery): Promise<OwnResultsView> {
    return this.results.own('self', this.caller.own(), null, query.termId);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [notFound('exam'), notFound('section'), resultsNotPublished],
  })
  @Get(':id/results')
  @ApiOperation({
    summary:
      "A section's ranked results and class summary: instructors of their sections, exams.manage or exams.publish any",
  })
  @ApiOkResponse({ type: SectionResultsView })
  section(
    @Param() params: IdParams,
    @Query() query: SectionResultsQuery,
  ): Promise<SectionResultsView> {
    return this.results.section(this.caller.current(...RESULTS_OFFICE), params.id, query.sectionId);
  }
}

@ApiTags('Exam results')
@Controller('api/guardians/my-children')
export class ChildExamResultsController {
  constructor(
    private readonly results: ResultsService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { signedIn: 'a guardian reads only the children linked to their own profile' },
    errors: [notFound('student')],
  })
  @Get(':id/exam-results')
  @ApiOperation({
    summary:
      "The signed-in guardian's child's results of published and locked exams; 404 for anyone else's child",
  })
  @ApiOkResponse({ type: OwnResultsView })
  child(@Param() params: IdParams, @Query() query: TermFilterQuery): Promise<OwnResultsView> {
    return this.results.own('guardian', this.caller.own(), params.id, query.termId);
  }
}
