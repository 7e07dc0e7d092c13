import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IdParams } from '@schoolyard/common';
import { ManualTenantTransaction, SchoolOrPlatformScoped } from '@schoolyard/tenancy';
import { SessionListView } from '../dto/sessions.dto';
import { NoPermissionRequired } from './auth.decorators';
import { ACCESS_COOKIE } from './auth.cookies';
import { AuthSessions } from './auth-sessions.service';
import { PrincipalContext } from './principal';
import { sessionNotFound } from './sessions.errors';

/**
 * The signed-in person's own sessions, wherever they were opened (every school and the
 * platform): to see where they are signed in and end what they do not recognise. Sessions
 * live in `public`, so no school transaction is opened.
 */
@ApiTags('Auth')
@ApiBearerAuth()
@ApiCookieAuth(ACCESS_COOKIE)
@SchoolOrPlatformScoped()
@ManualTenantTransaction()
@Controller('api/auth/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: AuthSessions,
    private readonly caller: PrincipalContext,
  ) {}

  @Get()
  @NoPermissionRequired('anyone signed in may see their own sessions')
  @ApiOperation({ summary: "The caller's live sessions (no tokens), marking this one" })
  @ApiOkResponse({ type: SessionListView })
  @ApiUnauthorizedResponse({ description: 'AUTHENTICATION_REQUIRED and the other token errors' })
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

  @Delete(':id')
  @NoPermissionRequired('anyone signed in may end their own sessions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one of the caller’s sessions (this one too: it is then signed out)',
  })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED: id is not a UUID' })
  @ApiNotFoundResponse({
    description: 'SESSION_NOT_FOUND: no live session of the caller has this id',
  })
  async end(@Param() params: IdParams): Promise<void> {
    const ended = await this.sessions.revokeOwn(
      this.caller.principal.userId,
      params.id,
      'ended_by_user',
    );
    if (!ended) throw sessionNotFound();
  }
}
