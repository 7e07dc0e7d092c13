import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Route } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ChangePasswordDto,
  MeView,
  PasswordChangedView,
  RefreshDto,
  RefreshedView,
  SignedInView,
  SignInDto,
} from '../dto/auth.dto';
import {
  clearAuthCookies,
  cookieName,
  cookieOf,
  CSRF_HEADER,
  DEVICE_HEADER,
  setAccessCookie,
  setAuthCookies,
  setDeviceCookie,
} from './auth.cookies';
import {
  csrfRejected,
  invalidCredentials,
  invalidRefreshToken,
  refreshTokenReused,
  tooManyAttempts,
} from './auth.errors';
import { AuthService } from './auth.service';
import { AuthTokens } from './auth-tokens.service';
import { DeviceTokens } from './device-tokens';
import { PrincipalContext } from './principal';

/**
 * Served at a school's address (local usernames) and at the platform's (platform admins by
 * email). Handlers open their own short transactions (`transaction: 'manual'`): argon2 must
 * not hold a connection.
 */
@ApiTags('Auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly tokens: AuthTokens,
    private readonly caller: PrincipalContext,
    private readonly devices: DeviceTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Route({
    at: 'school-or-platform',
    access: 'public',
    transaction: 'manual',
    errors: [invalidCredentials, tooManyAttempts(60)],
  })
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in; sets HttpOnly cookies as well as returning the tokens',
    description:
      'A client that signed in here before sends its device token back (the sy_device cookie, ' +
      'or the X-Device-Token header): its attempts are then limited by its own failures only.',
  })
  @ApiHeader({
    name: 'X-Device-Token',
    required: false,
    description: 'deviceToken of an earlier sign-in',
  })
  @ApiOkResponse({ type: SignedInView })
  async login(
    @Body() body: SignInDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SignedInView> {
    const header = request.headers[DEVICE_HEADER];
    const signedIn = await this.auth.signIn(body.username, body.password, {
      address: request.ip,
      deviceTokens: [
        typeof header === 'string' ? header : undefined,
        cookieOf(request, cookieName('device', this.config)),
      ],
    });
    setAuthCookies(
      reply,
      { ...signedIn, csrfToken: this.tokens.csrfFor(signedIn.sessionId) },
      this.config,
    );
    setDeviceCookie(reply, signedIn.deviceToken, this.devices.maxAgeSeconds, this.config);
    return {
      accessToken: signedIn.accessToken,
      refreshToken: signedIn.refreshToken,
      deviceToken: signedIn.deviceToken,
      user: signedIn.user,
      school: signedIn.school,
      mustChangePassword: signedIn.mustChangePassword,
    };
  }

  @Route({
    at: 'school-or-platform',
    access: 'public',
    transaction: 'manual',
    errors: [invalidRefreshToken, refreshTokenReused, csrfRejected],
  })
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Spend the refresh token for a new pair; a reused token ends the session',
  })
  @ApiOkResponse({ type: RefreshedView })
  async refresh(
    @Body() body: RefreshDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshedView> {
    const fromBody = body.refreshToken;
    const token = fromBody ?? cookieOf(request, cookieName('refresh', this.config));
    if (!token) throw invalidRefreshToken();
    // A token read from a cookie could have been sent by another site: demand the CSRF echo.
    const csrfCheck = fromBody
      ? undefined
      : (sessionId: string) => {
          if (!this.tokens.csrfMatches(sessionId, request.headers[CSRF_HEADER]))
            throw csrfRejected();
        };
    const refreshed = await this.auth.refresh(token, csrfCheck);
    setAuthCookies(
      reply,
      { ...refreshed, csrfToken: this.tokens.csrfFor(refreshed.sessionId) },
      this.config,
    );
    return { accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken };
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may end their own session' },
    transaction: 'manual',
    allowedDuringPasswordChange: true,
  })
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End this session' })
  @ApiNoContentResponse()
  async logout(@Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.signOut(this.caller.principal);
    clearAuthCookies(reply, this.config);
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may read their own account' },
    transaction: 'manual',
    allowedDuringPasswordChange: true,
  })
  @Get('me')
  @ApiOperation({ summary: 'The caller: account, school, profile, roles and permissions here' })
  @ApiOkResponse({ type: MeView })
  me(): Promise<MeView> {
    return this.auth.me(this.caller.principal);
  }

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in may change their own password' },
    transaction: 'manual',
    allowedDuringPasswordChange: true,
  })
  @Post('change-password')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Change the caller's password; every other session ends" })
  @ApiOkResponse({ type: PasswordChangedView })
  async changePassword(
    @Body() body: ChangePasswordDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PasswordChangedView> {
    const principal = this.caller.principal;
    const accessToken = await this.auth.changePassword(
      principal,
      body.currentPassword,
      body.newPassword,
    );
    setAccessCookie(reply, accessToken, this.config);
    return { accessToken, mustChangePassword: false };
  }
}
