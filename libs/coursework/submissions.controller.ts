import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams } from '@schoolyard/common';
import { RequirePermissions } from '@schoolyard/rbac';
import { SchoolScoped } from '@schoolyard/tenancy';
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

const NOT_TEACHING = 'FORBIDDEN: the caller does not teach this subject in this section';

@ApiTags('Course content')
@ApiBearerAuth()
@SchoolScoped()
@Controller('api/course-content/submissions')
export class SubmissionsController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly grading: GradingService,
    private readonly viewer: CallerViewer,
  ) {}

  @Post()
  @RequirePermissions('coursework.submit')
  @ApiOperation({
    summary:
      'Hand in work to a published assignment of one of your sections; again until it is graded (every attempt is kept, the latest is current); late when after the due date',
  })
  @ApiCreatedResponse({ type: SubmissionView })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: not a student of that section' })
  @ApiConflictResponse({ description: 'ALREADY_GRADED or NOT_AN_ASSIGNMENT' })
  async submit(@Body() work: SubmitWorkDto): Promise<SubmissionView> {
    return this.submissions.submit(await this.viewer.current(), work);
  }

  @Get()
  @RequirePermissions('coursework.view')
  @ApiOperation({
    summary:
      "Submissions the caller may see: their sections' (instructors), their own (students), their children's (guardians), all (coursework.oversee)",
  })
  @ApiOkResponse({ type: SubmissionPage })
  async list(@Query() query: SubmissionListQuery): Promise<SubmissionPage> {
    return this.submissions.list(await this.viewer.current(), query);
  }

  @Get(':id')
  @RequirePermissions('coursework.view')
  @ApiOperation({
    summary: 'One submission with every attempt; 404 when the caller may not see it',
  })
  @ApiOkResponse({ type: SubmissionView })
  async get(@Param() params: IdParams): Promise<SubmissionView> {
    return this.submissions.get(await this.viewer.current(), params.id);
  }

  @Post(':id/grade')
  @HttpCode(200)
  @RequirePermissions('coursework.grade')
  @ApiOperation({ summary: "Grade the current attempt: points up to the assignment's maxPoints" })
  @ApiOkResponse({ type: SubmissionView })
  @ApiBadRequestResponse({ description: 'POINTS_ABOVE_MAX' })
  @ApiForbiddenResponse({ description: NOT_TEACHING })
  async grade(
    @Param() params: IdParams,
    @Body() grade: GradeSubmissionDto,
  ): Promise<SubmissionView> {
    return this.grading.grade(await this.viewer.current(), params.id, grade);
  }

  @Post(':id/return')
  @HttpCode(200)
  @RequirePermissions('coursework.grade')
  @ApiOperation({ summary: 'Give the work back with feedback for another attempt' })
  @ApiOkResponse({ type: SubmissionView })
  @ApiForbiddenResponse({ description: NOT_TEACHING })
  async giveBack(
    @Param() params: IdParams,
    @Body() comments: ReturnSubmissionDto,
  ): Promise<SubmissionView> {
    return this.grading.giveBack(await this.viewer.current(), params.id, comments);
  }
}
