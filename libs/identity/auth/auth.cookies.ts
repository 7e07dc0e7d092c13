// Brings @fastify/cookie's setCookie/clearCookie/cookies into Fastify's types.
import type {} from '@fastify/cookie';
import { type AppConfig } from '@schoolyard/config';
import { type FastifyReply, type FastifyRequest } from 'fastify';

export const ACCESS_COOKIE = 'sy_access';
export const REFRESH_COOKIE = 'sy_refresh';
/** Readable by the page on purpose: it echoes it in X-CSRF-Token (double submit). */
export const CSRF_COOKIE = 'sy_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The device token (see DeviceTokens); API clients send it in DEVICE_HEADER instead. */
export const DEVICE_COOKIE = 'sy_device';
export const DEVICE_HEADER = 'x-device-token';

type CookieRole = 'access' | 'refresh' | 'csrf' | 'device';
const BASE_NAMES: Record<CookieRole, string> = {
  access: ACCESS_COOKIE,
  refresh: REFRESH_COOKIE,
  csrf: CSRF_COOKIE,
  device: DEVICE_COOKIE,
};

/**
 * Cookies are host-only (no Domain attribute): a cookie set at oxford.example.com is never
 * sent to cambridge.example.com. That alone does not stop a page at a sibling host from
 * setting a cookie for the whole domain that shadows ours (cookie tossing), so with HTTPS the
 * names carry a prefix the browser enforces: `__Host-` (Secure, Path=/, no Domain) where the
 * path is `/`, `__Secure-` where it is narrower. Only the prefixed name is read then.
 */
export function cookieName(role: CookieRole, config: AppConfig): string {
  if (!config.auth.secureCookies) return BASE_NAMES[role];
  const prefix = role === 'access' || role === 'csrf' ? '__Host-' : '__Secure-';
  return `${prefix}${BASE_NAMES[role]}`;
}

export function setAuthCookies(
  reply: FastifyReply,
  tokens: { accessToken: string; refreshToken: string; csrfToken: string },
  config: AppConfig,
): void {
  const secure = config.auth.secureCookies;
  setAccessCookie(reply, tokens.accessToken, config);
  void reply.setCookie(cookieName('refresh', config), tokens.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/api/auth',
    maxAge: config.auth.refreshTokenTtlDays * 86_400,
  });
  void reply.setCookie(cookieName('csrf', config), tokens.csrfToken, {
    httpOnly: false,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: config.auth.refreshTokenTtlDays * 86_400,
  });
}

export function setAccessCookie(reply: FastifyReply, accessToken: string, config: AppConfig): void {
  void reply.setCookie(cookieName('access', config), accessToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.auth.secureCookies,
    path: '/',
    maxAge: config.auth.accessTokenTtlSeconds,
  });
}

export function clearAuthCookies(reply: FastifyReply, config: AppConfig): void {
  const secure = config.auth.secureCookies;
  void reply.clearCookie(cookieName('access', config), { path: '/', secure });
  void reply.clearCookie(cookieName('refresh', config), { path: '/api/auth', secure });
  void reply.clearCookie(cookieName('csrf', config), { path: '/', secure });
}

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const value = (request as FastifyRequest & { cookies?: Record<string, string | undefined> })
    .cookies?.[name];
  return value || undefined;
}

export function bearerOf(request: FastifyRequest): string | undefined {
  // The scheme is case-insensitive (RFC 9110): `bearer x` is a bearer request, not a cookie one.
  const match = /^bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * The device token (see DeviceTokens): long-lived, and sent only to the sign-in route, where
 * it is read. Not cleared at sign-out: the device stays the holder's.
 */
export function setDeviceCookie(
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
  config: AppConfig,
): void {
  void reply.setCookie(cookieName('device', config), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.auth.secureCookies,
    path: '/api/auth/login',
    maxAge: maxAgeSeconds,
  });
}
