import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import { CreateExamDto, ExamListQuery, ExamPage, ExamView, UpdateExamDto } from './dto/exams.dto';
import {
  examHasNoPapers,
  examNameTaken,
  examOutsideTerm,
  examStatus,
  examThingNotFound,
  papersOutsideExam,
} from './exams.errors';
import { ExamsService } from './exams.service';

const examNotFound = examThingNotFound('exam');
const TERM = { startsOn: '2026-08-17', endsOn: '2026-12-18' };

@ApiTags('Exams')
@Controller('api/exams')
export class ExamsController {
  constructor(private readonly exams: ExamsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [
      examThingNotFound('term'),
      examThingNotFound('grading scale'),
      examThingNotFound('academic level', ['00000000-0000-4000-8000-000000000000']),
      examThingNotFound('program', ['00000000-0000-4000-8000-000000000000']),
      examOutsideTerm(TERM),
      examNameTaken,
    ],
  })
  @Post()
  @ApiOperation({
    summary: 'Create an exam of a term for academic levels (programs count as their levels)',
  })
  @ApiCreatedResponse({ type: ExamView })
  create(@Body() exam: CreateExamDto): Promise<ExamView> {
    return this.exams.create(exam);
  }

  @Route({ at: 'school', access: { permissions: ['exams.view'] } })
  @Get()
  @ApiOperation({ summary: 'Exams, a page at a time, latest term first' })
  @ApiOkResponse({ type: ExamPage })
  list(@Query() query: ExamListQuery): Promise<ExamPage> {
    return this.exams.list(query);
  }

  @Route({ at: 'school', access: { permissions: ['exams.view'] }, errors: [examNotFound] })
  @Get(':id')
  @ApiOperation({ summary: 'One exam with its term, scale, levels and number of papers' })
  @ApiOkResponse({ type: ExamView })
  get(@Param() params: IdParams): Promise<ExamView> {
    return this.exams.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [
      examNotFound,
      nothingToChange,
      examThingNotFound('grading scale'),
      examStatus('published', ['draft', 'scheduled']),
      examOutsideTerm(TERM),
      papersOutsideExam(['00000000-0000-4000-8000-000000000000']),
      examNameTaken,
    ],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Rename an exam, change its scale (until published) or its dates (until marking)',
  })
  @ApiOkResponse({ type: ExamView })
  update(@Param() params: IdParams, @Body() changes: UpdateExamDto): Promise<ExamView> {
    return this.exams.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [examNotFound, examStatus('marking', ['draft', 'scheduled']), inUse({ marks: 1 })],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a draft or scheduled exam with its papers' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.exams.remove(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [examNotFound, examStatus('marking', ['draft']), examHasNoPapers],
  })
  @Post(':id/schedule')
  @HttpCode(200)
  @ApiOperation({ summary: 'Draft → scheduled: the timetable is out (needs a paper)' })
  @ApiOkResponse({ type: ExamView })
  schedule(@Param() params: IdParams): Promise<ExamView> {
    return this.exams.transition(params.id, 'schedule');
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [examNotFound, examStatus('draft', ['scheduled'])],
  })
  @Post(':id/start-marking')
  @HttpCode(200)
  @ApiOperation({ summary: 'Scheduled → marking: papers are sat, marks may be entered' })
  @ApiOkResponse({ type: ExamView })
  startMarking(@Param() params: IdParams): Promise<ExamView> {
    return this.exams.transition(params.id, 'startMarking');
  }

  @Route({
    at: 'school',
    // Final like a publication, so it takes the same permission.
    access: { permissions: ['exams.publish'] },
    errors: [examNotFound, examStatus('marking', ['published'])],
  })
  @Post(':id/lock')
  @HttpCode(200)
  @ApiOperation({ summary: 'Published → locked: final, nothing changes any more' })
  @ApiOkResponse({ type: ExamView })
  lock(@Param() params: IdParams): Promise<ExamView> {
    return this.exams.transition(params.id, 'lock');
  }
}
