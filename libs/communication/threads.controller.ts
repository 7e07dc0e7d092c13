import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { CallerScope } from '@schoolyard/rbac';
import {
  MessagesQuery,
  MessageView,
  OpenedThreadView,
  OpenThreadDto,
  PostMessageDto,
  ThreadPage,
  ThreadsQuery,
  ThreadView,
  UnreadView,
} from './dto/messages.dto';
import { MESSAGES_OFFICE } from './message-scope';
import {
  oversightRequired,
  participantsInvalid,
  participantsNotFound,
  recipientNotAllowed,
  senderNotStaff,
  threadNotFound,
} from './messages.errors';
import { MessagesService } from './messages.service';
import { ThreadsService } from './threads.service';

const OWN_THREADS =
  'anyone reads and replies in the threads they take part in (guardians and students too); others get 404';

/** Message threads between the school and families, between staff, and with students. */
@ApiTags('Messages')
@Controller('api/messages')
export class MessageThreadsController {
  constructor(
    private readonly threads: ThreadsService,
    private readonly messages: MessagesService,
    private readonly caller: CallerScope,
  ) {}

  @Route({
    at: 'school',
    access: { permissions: ['messages.send'] },
    errors: [
      senderNotStaff,
      participantsNotFound([]),
      recipientNotAllowed([]),
      participantsInvalid([]),
    ],
  })
  @Post('threads')
  @ApiOperation({
    summary:
      'Open a thread with its first message: an instructor with staff, the students they teach and their guardians; messages.oversee or guardians.update with anyone',
  })
  @ApiCreatedResponse({ type: OpenedThreadView })
  open(@Body() request: OpenThreadDto): Promise<OpenedThreadView> {
    return this.threads.open(this.caller.current(...MESSAGES_OFFICE), request);
  }

  @Route({ at: 'school', access: { signedIn: OWN_THREADS }, errors: [oversightRequired] })
  @Get('threads')
  @ApiOperation({
    summary:
      'Your threads, newest activity first, with unread counts; scope=oversee adds every staff–student thread (messages.oversee)',
  })
  @ApiOkResponse({ type: ThreadPage })
  list(@Query() query: ThreadsQuery): Promise<ThreadPage> {
    return this.threads.list(this.caller.own(), query);
  }

  @Route({ at: 'school', access: { signedIn: OWN_THREADS } })
  @Get('unread')
  @ApiOperation({ summary: 'How many messages in your threads you have not read' })
  @ApiOkResponse({ type: UnreadView })
  unread(): Promise<UnreadView> {
    return this.threads.unread(this.caller.own());
  }

  @Route({ at: 'school', access: { signedIn: OWN_THREADS }, errors: [threadNotFound] })
  @Get('threads/:id')
  @ApiOperation({
    summary:
      'A thread, its participants and its messages (oldest first); marks it read for a participant. An overseer reads staff–student threads',
  })
  @ApiOkResponse({ type: ThreadView })
  read(@Param() { id }: IdParams, @Query() query: MessagesQuery): Promise<ThreadView> {
    return this.threads.read(this.caller.own(), id, query);
  }

  @Route({ at: 'school', access: { signedIn: OWN_THREADS }, errors: [threadNotFound] })
  @Post('threads/:id/messages')
  @ApiOperation({ summary: 'Reply in a thread you take part in; the others are notified' })
  @ApiCreatedResponse({ type: MessageView })
  post(@Param() { id }: IdParams, @Body() message: PostMessageDto): Promise<MessageView> {
    return this.messages.post(this.caller.own(), id, message.body);
  }

  @Route({ at: 'school', access: { signedIn: OWN_THREADS }, errors: [threadNotFound] })
  @Post('threads/:id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a thread read; answers your unread messages left elsewhere' })
  @ApiOkResponse({ type: UnreadView })
  markRead(@Param() { id }: IdParams): Promise<UnreadView> {
    return this.threads.markRead(this.caller.own(), id);
  }
}
