import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import {
  MarkChangeView,
  MarkHistoryQuery,
  MarksQuery,
  ReopenedExamView,
  ReopenExamDto,
  SaveMarksDto,
  SectionMarksView,
} from './dto/marks.dto';
import {
  examLocked,
  examNotOpenForMarks,
  examNotPublished,
  examPublished,
  marksAboveMaximum,
  notFound,
  notTeachingSubject,
  sectionNotSitting,
  studentsNotInSection,
} from './marks.errors';
import { MarksService } from './marks.service';
import { CallerScope } from '@schoolyard/rbac';
import { MARKS_OFFICE } from './exams-office';

@ApiTags('Exams')
@Controller('api/exams/papers')
export class MarksController {
  constructor(
    private readonly marks: MarksService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.mark'] },
    errors: [
      marksAboveMaximum('marks.0.marks', 100),
      notFound('paper'),
      notFound('section'),
      notTeachingSubject,
      examNotOpenForMarks('draft'),
      examPublished('published'),
      sectionNotSitting,
      studentsNotInSection([]),
    ],
  })
  @Put(':id/marks')
  @ApiOperation({
    summary:
      "Enter one section's marks or absences for a paper, all or nothing; students not listed keep theirs. " +
      'After publication (reopened) a reason is required and every change is kept',
  })
  @ApiOkResponse({ type: SectionMarksView })
  save(@Param() params: IdParams, @Body() body: SaveMarksDto): Promise<SectionMarksView> {
    return this.marks.save(this.caller.current(...MARKS_OFFICE), params.id, body);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [notFound('paper'), notFound('section'), sectionNotSitting],
  })
  @Get(':id/marks')
  @ApiOperation({
    summary:
      "A section's marks for a paper: its students on the paper's date with their mark, absence or nothing",
  })
  @ApiOkResponse({ type: SectionMarksView })
  read(@Param() params: IdParams, @Query() query: MarksQuery): Promise<SectionMarksView> {
    return this.marks.read(this.caller.current(...MARKS_OFFICE), params.id, query.sectionId);
  }

  @Route({
    at: 'school',
    access: { permissions: ['exams.view'] },
    errors: [notFound('paper')],
  })
  @Get(':id/marks/history')
  @ApiOperation({
    summary:
      "Changes made to a paper's marks after its exam was published, newest first (the exams office, or the paper's instructors for their students)",
  })
  @ApiOkResponse({ type: [MarkChangeView] })
  history(@Param() params: IdParams, @Query() query: MarkHistoryQuery): Promise<MarkChangeView[]> {
    return this.marks.history(this.caller.current(...MARKS_OFFICE), params.id, query.studentId);
  }
}

@ApiTags('Exams')
@Controller('api/exams')
export class ReopeningController {
  constructor(
    private readonly marks: MarksService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['exams.manage'] },
    errors: [notFound('exam'), examLocked, examNotPublished('marking')],
  })
  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Reopen a published exam for corrections (published → marking); from now on every mark change needs a reason and is kept',
  })
  @ApiOkResponse({ type: ReopenedExamView })
  reopen(@Param() params: IdParams, @Body() body: ReopenExamDto): Promise<ReopenedExamView> {
    return this.marks.reopen(this.caller.current(...MARKS_OFFICE), params.id, body.reason);
  }
}
