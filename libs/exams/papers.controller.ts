import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, inUse, nothingToChange, Route } from '@schoolyard/common';
import {
  CreatePaperDto,
  PaperList,
  PaperListQuery,
  PaperView,
  UpdatePaperDto,
} from './dto/papers.dto';
import {
  examClash,
  examStatus,
  examThingNotFound,
  levelNotInExam,
  paperOutsideDates,
  paperTaken,
  sectionOfAnotherLevel,
  subjectOfAnotherLevel,
} from './exams.errors';
import { PapersService } from './papers.service';

const EXAMPLE_ID = '00000000-0000-4000-8000-000000000000';

/** The refusals of a paper's rules, shared by create and change. */
const PAPER_RULES = [
  examThingNotFound('academic level'),
  examThingNotFound('subject'),
  examThingNotFound('section'),
  examThingNotFound('invigilator'),
  examStatus('marking', ['draft', 'scheduled']),
  levelNotInExam,
  subjectOfAnotherLevel,
  sectionOfAnotherLevel,
  paperOutsideDates({ startsOn: '2026-12-07', endsOn: '2026-12-11' }),
  paperTaken,
  examClash([
    {
      id: EXAMPLE_ID,
      examId: EXAMPLE_ID,
      examName: 'Mid-term examination',
      subjectName: 'Mathematics',
      sectionId: null,
      sitsOn: '2026-12-07',
      startsAt: '09:30',
      durationMinutes: 90,
      reason: 'section',
    },
  ]),
];

/**
 * An exam's papers. Anyone with exams.view reads every paper: the timetable is the school's
 * to share, and an invigilator watches rooms of levels they do not teach.
 */
@ApiTags('Exams')
@Controller('api/exams')
export class PapersController {
  constructor(private readonly papers: PapersService) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [examThingNotFound('exam'), ...PAPER_RULES],
  })
  @Post(':id/papers')
  @ApiOperation({
    summary: 'Set a paper of an exam (draft or scheduled), refused if it clashes with another',
  })
  @ApiCreatedResponse({ type: PaperView })
  create(@Param() params: IdParams, @Body() paper: CreatePaperDto): Promise<PaperView> {
    return this.papers.create(params.id, paper);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [examThingNotFound('exam')],
  })
  @Get(':id/papers')
  @ApiOperation({ summary: "An exam's papers in the order they are sat" })
  @ApiOkResponse({ type: PaperList })
  list(@Param() params: IdParams, @Query() query: PaperListQuery): Promise<PaperList> {
    return this.papers.list(params.id, query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [examThingNotFound('exam paper')],
  })
  @Get('papers/:id')
  @ApiOperation({ summary: 'One exam paper' })
  @ApiOkResponse({ type: PaperView })
  get(@Param() params: IdParams): Promise<PaperView> {
    return this.papers.get(params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [examThingNotFound('exam paper'), nothingToChange, ...PAPER_RULES],
  })
  @Patch('papers/:id')
  @ApiOperation({ summary: 'Change a paper while its exam is draft or scheduled' })
  @ApiOkResponse({ type: PaperView })
  update(@Param() params: IdParams, @Body() changes: UpdatePaperDto): Promise<PaperView> {
    return this.papers.update(params.id, changes);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [
      examThingNotFound('exam paper'),
      examStatus('marking', ['draft', 'scheduled']),
      inUse({ marks: 1 }),
    ],
  })
  @Delete('papers/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a paper while its exam is draft or scheduled' })
  @ApiNoContentResponse()
  remove(@Param() params: IdParams): Promise<void> {
    return this.papers.remove(params.id);
  }
}
