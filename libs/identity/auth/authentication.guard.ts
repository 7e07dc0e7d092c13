import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { policyOf, requestStore, type SchoolyardStore } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { AuthGuard } from '@nestjs/passport';
import { TenantContext } from '@schoolyard/tenancy';
import { type FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { ACCESS_TOKEN_STRATEGY } from './access-token.strategy';
import { bearerOf, cookieName, cookieOf, CSRF_HEADER } from './auth.cookies';
import {
  authenticationRequired,
  csrfRejected,
  invalidToken,
  passwordChangeRequired,
  sessionRevoked,
  tokenExpired,
} from './auth.errors';
import { AuthSessions } from './auth-sessions.service';
import { AuthTokens } from './auth-tokens.service';
import { type AccessClaims, type Principal } from './principal';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every school or platform route needs a signed-in caller unless its access is 'public'. Runs after
 * the school is resolved: a token is good only at the address it was issued for, only while
 * its session lives, and, while the password must change, only for the few routes that allow it.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(ACCESS_TOKEN_STRATEGY) {
  constructor(
    private readonly tenant: TenantContext,
    private readonly sessions: AuthSessions,
    private readonly tokens: AuthTokens,
    private readonly cls: ClsService<SchoolyardStore>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = policyOf(context);
    if (policy === undefined || policy.signIn === 'none') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: AccessClaims }>();
    if (policy.signIn === 'optional' && !hasCredentials(request, this.config)) return true;
    await super.canActivate(context);

    const claims = request.user;
    const schoolId = this.tenant.hasSchool ? this.tenant.school.id : null;
    if ((claims.org ?? null) !== schoolId) throw invalidToken();
    const fromCookie = bearerOf(request) === undefined;
    const needsCsrf = !SAFE_METHODS.has(request.method) || policy.revealsSecrets;
    if (
      fromCookie &&
      needsCsrf &&
      !this.tokens.csrfMatches(claims.sid, request.headers[CSRF_HEADER])
    ) {
      throw csrfRejected();
    }
    if (!(await this.sessions.isActive(claims.sid, claims.sub))) throw sessionRevoked();
    if (claims.mcp && !policy.allowedDuringPasswordChange) {
      throw passwordChangeRequired();
    }
    const principal: Principal = {
      userId: claims.sub,
      sessionId: claims.sid,
      schoolId,
      mustChangePassword: claims.mcp,
    };
    // The request's context was entered before the guards ran (http-app.ts).
    const store = requestStore(this.cls) as SchoolyardStore;
    store.principal = principal;
    store.auditActor = principal.userId;
    return true;
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    if (error) throw error;
    if (user) return user;
    const reason = info as { name?: string; message?: string } | undefined;
    if (reason?.name === 'TokenExpiredError') throw tokenExpired();
    if (reason?.message === 'No auth token') throw authenticationRequired();
    throw invalidToken();
  }
}

function hasCredentials(request: FastifyRequest, config: AppConfig): boolean {
  return (
    bearerOf(request) !== undefined || cookieOf(request, cookieName('access', config)) !== undefined
  );
}
