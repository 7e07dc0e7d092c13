import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import {
  GradeSubmissionDto,
  ReturnSubmissionDto,
  SubmissionListQuery,
  SubmissionPage,
  SubmissionView,
  SubmitWorkDto,
} from './dto/submissions.dto';
import { GradingService } from './grading.service';
import { SubmissionsService } from './submissions.service';
import { CallerViewer } from './viewer';
import {
  alreadyGraded,
  contentNotFound,
  notAnAssignment,
  notTeaching,
  notYours,
  pointsAboveMax,
  submissionNotFound,
} from './coursework.errors';

@ApiTags('Course content')
@Controller('api/course-content/submissions')
export class SubmissionsController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly grading: GradingService,
    private readonly viewer: CallerViewer,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['coursework.submit'] },
    errors: [
      contentNotFound,
      notAnAssignment,
      alreadyGraded,
      notYours('Only a student hands in work'),
    ],
  })
  @Post()
  @ApiOperation({
    summary:
      'Hand in work to a published assignment of one of your sections; again until it is graded (every attempt is kept, the latest is current); late when after the due date',
  })
  @ApiCreatedResponse({ type: SubmissionView })
  async submit(@Body() work: SubmitWorkDto): Promise<SubmissionView> {
    return this.submissions.submit(await this.viewer.current(), work);
  }

  @Route({ at: 'school', access: { permissions: ['coursework.view'] } })
  @Get()
  @ApiOperation({
    summary:
      "Submissions the caller may see: their sections' (instructors), their own (students), their children's (guardians), all (coursework.oversee)",
  })
  @ApiOkResponse({ type: SubmissionPage })
  async list(@Query() query: SubmissionListQuery): Promise<SubmissionPage> {
    return this.submissions.list(await this.viewer.current(), query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['coursework.view'] },
    errors: [submissionNotFound],
  })
  @Get(':id')
  @ApiOperation({
    summary: 'One submission with every attempt; 404 when the caller may not see it',
  })
  @ApiOkResponse({ type: SubmissionView })
  async get(@Param() params: IdParams): Promise<SubmissionView> {
    return this.submissions.get(await this.viewer.current(), params.id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['coursework.grade'] },
    errors: [submissionNotFound, notTeaching, pointsAboveMax(10)],
  })
  @Post(':id/grade')
  @HttpCode(200)
  @ApiOperation({ summary: "Grade the current attempt: points up to the assignment's maxPoints" })
  @ApiOkResponse({ type: SubmissionView })
  async grade(
    @Param() params: IdParams,
    @Body() grade: GradeSubmissionDto,
  ): Promise<SubmissionView> {
    return this.grading.grade(await this.viewer.current(), params.id, grade);
  }

  @Route({
    at: 'school',
    access: { permissions: ['coursework.grade'] },
    errors: [submissionNotFound, notTeaching],
  })
  @Post(':id/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give the work back with feedback for another attempt' })
  @ApiOkResponse({ type: SubmissionView })
  async giveBack(
    @Param() params: IdParams,
    @Body() comments: ReturnSubmissionDto,
  ): Promise<SubmissionView> {
    return this.grading.giveBack(await this.viewer.current(), params.id, comments);
  }
}
