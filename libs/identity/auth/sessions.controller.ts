import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParams, Route } from '@schoolyard/common';
import { SessionListView } from '../dto/sessions.dto';
import { AuthSessions } from './auth-sessions.service';
import { PrincipalContext } from './principal';
import { sessionNotFound } from './sessions.errors';

/**
 * The signed-in person's own sessions, wherever they were opened (every school and the
 * platform): to see where they are signed in and end what they do not recognise. Sessions
 * live in `public`, so no school transaction is opened (`transaction: 'manual'`).
 */
@ApiTags('Auth')
@Controller('api/auth/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: AuthSessions,
    private readonly caller: PrincipalContext,
  ) {}

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may see their own sessions' },
    transaction: 'manual',
  })
  @Get()
  @ApiOperation({ summary: "The caller's live sessions (no tokens), marking this one" })
  @ApiOkResponse({ type: SessionListView })
  async list(): Promise<SessionListView> {
    const principal = this.caller.principal;
    const sessions = await this.sessions.listOf(principal.userId);
    return {
      data: sessions.map((session) => ({
        ...session,
        current: session.id === principal.sessionId,
      })),
    };
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may end their own sessions' },
    transaction: 'manual',
    errors: [sessionNotFound],
  })
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one of the caller’s sessions (this one too: it is then signed out)',
  })
  @ApiNoContentResponse()
  async end(@Param() params: IdParams): Promise<void> {
    const ended = await this.sessions.revokeOwn(
      this.caller.principal.userId,
      params.id,
      'ended_by_user',
    );
    if (!ended) throw sessionNotFound();
  }
}
