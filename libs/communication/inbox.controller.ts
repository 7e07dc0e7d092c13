import { Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { InboxPage, InboxQuery, NotificationView, ReadAllView } from './inbox.dto';
import { notificationNotFound } from './inbox.errors';
import { InboxService } from './inbox.service';

const OWN_INBOX = "everyone reads only their own profiles' notifications; others are 404";

@ApiTags('Notifications')
@Controller('api/notifications')
export class NotificationInboxController {
  constructor(
    private readonly inbox: InboxService,
    private readonly principal: PrincipalContext,
  ) {}

  @Route({ at: 'school', access: { signedIn: OWN_INBOX } })
  @Get()
  @ApiOperation({ summary: 'Your notifications here, newest first, with how many are unread' })
  @ApiOkResponse({ type: InboxPage })
  list(@Query() query: InboxQuery): Promise<InboxPage> {
    return this.inbox.list(this.principal.principal.userId, query);
  }

  @Route({ at: 'school', access: { signedIn: OWN_INBOX } })
  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all your notifications here read' })
  @ApiOkResponse({ type: ReadAllView })
  readAll(): Promise<ReadAllView> {
    return this.inbox.markAllRead(this.principal.principal.userId);
  }

  @Route({ at: 'school', access: { signedIn: OWN_INBOX }, errors: [notificationNotFound] })
  @Patch(':id/read')
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  @ApiOkResponse({ type: NotificationView })
  read(@Param() { id }: IdParams): Promise<NotificationView> {
    return this.inbox.markRead(this.principal.principal.userId, id);
  }
}
