import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { IdParams, nothingToChange, PageQuery, Route } from '@schoolyard/common';
import {
  AnnouncementPage,
  AnnouncementsQuery,
  AnnouncementView,
  CreateAnnouncementDto,
  FeedPage,
  ReadReceiptView,
  UpdateAnnouncementDto,
} from './dto/announcements.dto';
import {
  announcementNotFound,
  announcementPublished,
  audienceInvalid,
  audienceNotFound,
  smsNotEnabled,
  smsQuotaReached,
} from './announcements.errors';
import { AnnouncementsService } from './announcements.service';

const OWN_FEED = 'a person reads only the announcements their own profiles here received';

/** Everyone's side: the announcements one received. Fixed words first, before `:id`. */
@ApiTags('Announcements')
@Controller('api/announcements')
export class AnnouncementsFeedController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Route({ at: 'school', access: { signedIn: OWN_FEED } })
  @Get('feed')
  @ApiOperation({ summary: 'Your announcements: pinned first, then newest; expired ones leave' })
  @ApiOkResponse({ type: FeedPage })
  feed(@Query() query: PageQuery): Promise<FeedPage> {
    return this.announcements.feed(query);
  }

  @Route({ at: 'school', access: { signedIn: OWN_FEED }, errors: [announcementNotFound] })
  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark an announcement you received as read' })
  @ApiOkResponse({ type: ReadReceiptView })
  read(@Param() { id }: IdParams): Promise<ReadReceiptView> {
    return this.announcements.markRead(id);
  }
}

/** The office's side: writing, scheduling and withdrawing announcements. */
@ApiTags('Announcements')
@Controller('api/announcements')
export class AnnouncementsController {
  constructor(private readonly announcements: AnnouncementsService) {}

  @Route({
    at: 'school',
    access: { permissions: ['announcements.manage'] },
    errors: [
      audienceNotFound('sections', []),
      audienceInvalid(''),
      smsNotEnabled,
      smsQuotaReached(0, 0, 0),
    ],
  })
  @Post()
  @ApiOperation({
    summary: 'Write an announcement: published now (or at publishAt) to its audience',
  })
  @ApiCreatedResponse({ type: AnnouncementView })
  create(@Body() dto: CreateAnnouncementDto): Promise<AnnouncementView> {
    return this.announcements.create(dto);
  }

  @Route({ at: 'school', access: { permissions: ['announcements.manage'] } })
  @Get()
  @ApiOperation({ summary: 'Every announcement, newest first, with recipients and reads' })
  @ApiOkResponse({ type: AnnouncementPage })
  list(@Query() query: AnnouncementsQuery): Promise<AnnouncementPage> {
    return this.announcements.list(query);
  }

  @Route({
    at: 'school',
    access: { permissions: ['announcements.manage'] },
    errors: [announcementNotFound],
  })
  @Get(':id')
  @ApiOperation({ summary: 'One announcement, with recipients and reads' })
  @ApiOkResponse({ type: AnnouncementView })
  get(@Param() { id }: IdParams): Promise<AnnouncementView> {
    return this.announcements.get(id);
  }

  @Route({
    at: 'school',
    access: { permissions: ['announcements.manage'] },
    errors: [
      announcementNotFound,
      announcementPublished,
      audienceNotFound('sections', []),
      audienceInvalid(''),
      nothingToChange,
      smsNotEnabled,
      smsQuotaReached(0, 0, 0),
    ],
  })
  @Patch(':id')
  @ApiOperation({
    summary: 'Change an announcement; its audience, channels and time only before publication',
  })
  @ApiOkResponse({ type: AnnouncementView })
  update(@Param() { id }: IdParams, @Body() dto: UpdateAnnouncementDto): Promise<AnnouncementView> {
    return this.announcements.update(id, dto);
  }

  @Route({
    at: 'school',
    access: { permissions: ['announcements.manage'] },
    errors: [announcementNotFound],
  })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Withdraw an announcement, with its email and SMS not yet sent' })
  @ApiNoContentResponse()
  async remove(@Param() { id }: IdParams): Promise<void> {
    await this.announcements.remove(id);
  }
}
