import { Inject, Injectable } from '@nestjs/common';
import { BoundedCache } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { invalidRefreshToken, refreshTokenReused, sessionRevoked } from './auth.errors';
import {
  AuthSessionsRepository,
  type SessionSummary,
  sessionSummary,
} from './auth-sessions.repository';
import { AuthTokens } from './auth-tokens.service';

/** How long a checked session is trusted without asking the database again. */
const ACTIVE_CACHE_MS = 30_000;
/**
 * Sessions trusted at once; past it the one checked longest ago is asked again. A constant:
 * an entry is ~150 bytes, so this is ~15 MB at most, and no operator has needed to tune it.
 */
const ACTIVE_CACHE_MAX = 100_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OpenedSession {
  sessionId: string;
  refreshToken: string;
}

export interface RotatedSession extends OpenedSession {
  userId: string;
  mustChangePassword: boolean;
}

export { type SessionSummary } from './auth-sessions.repository';

/**
 * Sessions and their refresh-token families, in `public`, worked on by the API's login
 * role (never the owner). Whether a session is still active is asked on every authenticated
 * request, so the answer is cached briefly; a revocation drops the entry at once here and,
 * through NOTIFY, in every other instance.
 */
@Injectable()
export class AuthSessions {
  /** Session id → its user, for sessions found active. */
  private readonly active = new BoundedCache<string, string>({
    maxEntries: ACTIVE_CACHE_MAX,
    ttlMs: ACTIVE_CACHE_MS,
  });

  constructor(
    private readonly requests: PlatformDatabase,
    private readonly repository: AuthSessionsRepository,
    private readonly tokens: AuthTokens,
    notifications: DatabaseNotifications,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    notifications.subscribe(
      'auth_sessions',
      (payload) => this.forget(payload),
      () => this.active.clear(),
    );
  }

  async open(userId: string, schoolId: string | null): Promise<OpenedSession> {
    const secret = this.tokens.newRefreshSecret();
    const opened = await this.repository.insertSession({
      userId,
      schoolId,
      ttlDays: this.config.auth.refreshTokenTtlDays,
      secretHash: this.tokens.hashRefreshSecret(secret),
    });
    return { sessionId: opened.sessionId, refreshToken: `${opened.tokenId}.${secret}` };
  }

  /**
   * Spends a refresh token and issues the next one of its family. A token spent twice means
   * it was stolen (or replayed): the whole family is revoked. `csrfCheck` runs once the
   * session is known, for tokens that came from a cookie.
   */
  async rotate(
    refreshToken: string,
    schoolId: string | null,
    csrfCheck?: (sessionId: string) => void,
  ): Promise<RotatedSession> {
    const [tokenId, secret] = refreshToken.split('.');
    if (!tokenId || !secret || !UUID.test(tokenId)) throw invalidRefreshToken();
    const outcome = await this.requests.transaction(async (manager) => {
      const row = await this.repository.lockRefreshToken(manager, tokenId);
      if (!row || !this.tokens.refreshSecretMatches(secret, row.secret_hash)) {
        return { refused: invalidRefreshToken() };
      }
      if ((row.organization_id ?? null) !== schoolId) return { refused: invalidRefreshToken() };
      csrfCheck?.(row.session_id);
      if (row.used_at) {
        await this.repository.endSession(manager, row.session_id, 'refresh_token_reuse');
        return { refused: refreshTokenReused(), revoked: row.session_id };
      }
      if (row.revoked_at || !row.live || !row.is_active) return { refused: sessionRevoked() };
      await this.repository.spendRefreshToken(manager, tokenId);
      const next = this.tokens.newRefreshSecret();
      const nextId = await this.repository.insertRefreshToken(
        manager,
        row.session_id,
        this.tokens.hashRefreshSecret(next),
      );
      await this.repository.markRefreshed(manager, row.session_id);
      return {
        rotated: {
          sessionId: row.session_id,
          refreshToken: `${nextId}.${next}`,
          userId: row.user_id,
          mustChangePassword: row.must_change_password,
        },
      };
    });
    // Refusals leave the transaction first, so a reuse's revocation is committed, not rolled back.
    if ('revoked' in outcome && outcome.revoked) this.active.delete(outcome.revoked);
    if ('refused' in outcome) throw outcome.refused;
    return outcome.rotated;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.requests.transaction((manager) =>
      this.repository.endSession(manager, sessionId, reason),
    );
    this.active.delete(sessionId);
  }

  /** Ends every session of the user but one (after a password change). */
  async revokeOthers(userId: string, keepSessionId: string, reason: string): Promise<void> {
    await this.repository.endOtherSessions(userId, keepSessionId, reason);
    this.forget(`user:${userId}`, keepSessionId);
  }

  /** The user's live sessions, most recently used first. */
  async listOf(userId: string): Promise<SessionSummary[]> {
    return (await this.repository.liveSessionsOf(userId)).map(sessionSummary);
  }

  /**
   * Ends one of the user's own live sessions. False when there is no such session of theirs:
   * someone else's session and a missing one are the same answer.
   */
  async revokeOwn(userId: string, sessionId: string, reason: string): Promise<boolean> {
    const ended = await this.repository.endOwnSession(userId, sessionId, reason);
    this.active.delete(sessionId);
    return ended;
  }

  /**
   * Ends every session of the user (a password reset), in the caller's transaction when one is
   * given; other instances forget them at its commit, through NOTIFY.
   */
  async revokeAll(userId: string, reason: string, manager?: EntityManager): Promise<void> {
    if (!manager) {
      return this.requests.transaction((platform) => this.revokeAll(userId, reason, platform));
    }
    await this.repository.endUserSessions(manager, userId, reason);
    this.forget(`user:${userId}`);
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    if (this.active.get(sessionId) === userId) return true;
    // A revocation heard while the query runs must not be undone by what it read before.
    const stamp = this.active.stamp();
    if (!(await this.repository.isLive(sessionId, userId))) return false;
    this.active.set(sessionId, userId, stamp);
    return true;
  }

  /**
   * Drops what this instance trusted of a user's sessions, after they were ended in SQL (a
   * school closing or resetting the account); other instances hear it through NOTIFY.
   */
  forgetUser(userId: string): void {
    this.forget(`user:${userId}`);
  }

  private forget(payload: string, keep?: string): void {
    if (!payload.startsWith('user:')) {
      this.active.delete(payload);
      return;
    }
    const userId = payload.slice('user:'.length);
    this.active.deleteWhere((owner, sessionId) => owner === userId && sessionId !== keep);
  }
}
