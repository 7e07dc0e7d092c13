import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { PrincipalContext } from '@schoolyard/identity';
import { type FastifyReply } from 'fastify';
import { type PassThrough } from 'node:stream';
import { tooManyStreams } from './notification-stream.errors';
import { NotificationStreams } from './notification-stream.service';

@ApiTags('Notifications')
@Controller('api/notifications')
export class NotificationStreamController {
  constructor(
    private readonly streams: NotificationStreams,
    private readonly principal: PrincipalContext,
  ) {}

  /**
   * `manual`: the profiles are read in a short transaction that has ended before the first
   * byte is streamed; nothing of the stream's life is tied to a transaction or a connection.
   * Headers are set once the stream exists, so a refusal still goes out as JSON; Fastify
   * sends them with those its onRequest hooks set (security headers, CORS).
   */
  @Route({
    at: 'school',
    access: { signedIn: "a person's own notifications, whoever they are in the school" },
    transaction: 'manual',
    errors: [tooManyStreams],
  })
  @Get('stream')
  @ApiOperation({
    summary: "The caller's new notifications as they are written (server-sent events)",
    description:
      'Each new notification of the caller in this school is an `event: notification` whose ' +
      'data is `{ id, profileId, category, title, createdAt }` (the event id is the ' +
      "notification's). `event: resync` means some may have been missed: read the inbox again. " +
      'A `: ping` comment comes every 25 s. The access token is checked when the stream ' +
      "opens; the answer ends when an access token's lifetime has passed, and the client " +
      'reconnects (EventSource does by itself, with the session cookie). At most 5 streams ' +
      'per account are open on one server.',
  })
  @ApiOkResponse({
    description: 'An event stream that stays open',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async stream(@Res({ passthrough: true }) reply: FastifyReply): Promise<PassThrough> {
    const body = await this.streams.open(this.principal.principal.userId);
    void reply
      .type('text/event-stream; charset=utf-8')
      .header('cache-control', 'no-store')
      // nginx would otherwise hold events back to fill its buffer.
      .header('x-accel-buffering', 'no');
    return body;
  }
}
