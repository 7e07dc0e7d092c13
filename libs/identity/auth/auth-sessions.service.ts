import { Inject, Injectable } from '@nestjs/common';
import { BoundedCache } from '@schoolyard/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DatabaseNotifications } from '@schoolyard/database';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';
import { invalidRefreshToken, refreshTokenReused, sessionRevoked } from './auth.errors';
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

/** A live session as its holder sees it: no token, nothing secret. */
export interface SessionSummary {
  id: string;
  school: { slug: string; name: string } | null;
  createdAt: Date;
  lastUsedAt: Date;
}

interface TokenRow {
  secret_hash: string;
  used_at: Date | null;
  session_id: string;
  user_id: string;
  organization_id: string | null;
  revoked_at: Date | null;
  live: boolean;
  is_active: boolean;
  must_change_password: boolean;
}

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
    const rows: Array<{ id: string; session_id: string }> = await this.requests.query(
      `WITH session AS (
         INSERT INTO public.auth_sessions (user_id, organization_id, expires_at)
         VALUES ($1, $2, now() + make_interval(days => $3)) RETURNING id)
       INSERT INTO public.refresh_tokens (session_id, secret_hash)
       SELECT id, $4 FROM session RETURNING id, session_id`,
      [
        userId,
        schoolId,
        this.config.auth.refreshTokenTtlDays,
        this.tokens.hashRefreshSecret(secret),
      ],
    );
    return { sessionId: rows[0].session_id, refreshToken: `${rows[0].id}.${secret}` };
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
      const rows: TokenRow[] = await manager.query(
        `SELECT t.secret_hash, t.used_at, s.id AS session_id, s.user_id, s.organization_id,
                s.revoked_at, s.expires_at > now() AS live, u.is_active, u.must_change_password
           FROM public.refresh_tokens t
           JOIN public.auth_sessions s ON s.id = t.session_id
           JOIN public.users u ON u.id = s.user_id
          WHERE t.id = $1
          FOR UPDATE OF t`,
        [tokenId],
      );
      const row = rows[0];
      if (!row || !this.tokens.refreshSecretMatches(secret, row.secret_hash)) {
        return { refused: invalidRefreshToken() };
      }
      if ((row.organization_id ?? null) !== schoolId) return { refused: invalidRefreshToken() };
      csrfCheck?.(row.session_id);
      if (row.used_at) {
        await this.revokeWith(manager, row.session_id, 'refresh_token_reuse');
        return { refused: refreshTokenReused(), revoked: row.session_id };
      }
      if (row.revoked_at || !row.live || !row.is_active) return { refused: sessionRevoked() };
      await manager.query(`UPDATE public.refresh_tokens SET used_at = now() WHERE id = $1`, [
        tokenId,
      ]);
      const next = this.tokens.newRefreshSecret();
      const inserted: Array<{ id: string }> = await manager.query(
        `INSERT INTO public.refresh_tokens (session_id, secret_hash) VALUES ($1, $2) RETURNING id`,
        [row.session_id, this.tokens.hashRefreshSecret(next)],
      );
      await manager.query(
        `UPDATE public.auth_sessions SET last_refreshed_at = now() WHERE id = $1`,
        [row.session_id],
      );
      return {
        rotated: {
          sessionId: row.session_id,
          refreshToken: `${inserted[0].id}.${next}`,
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
    await this.requests.transaction((manager) => this.revokeWith(manager, sessionId, reason));
    this.active.delete(sessionId);
  }

  /** Ends every session of the user but one (after a password change). */
  async revokeOthers(userId: string, keepSessionId: string, reason: string): Promise<void> {
    await this.requests.query(
      `WITH ended AS (
         UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = $3
          WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id)
       SELECT pg_notify('auth_sessions', 'user:' || $1) FROM (SELECT 1 FROM ended LIMIT 1) AS any_ended`,
      [userId, keepSessionId, reason],
    );
    this.forget(`user:${userId}`, keepSessionId);
  }

  /** The user's live sessions, most recently used first. */
  async listOf(userId: string): Promise<SessionSummary[]> {
    const rows: Array<{
      id: string;
      created_at: Date;
      last_used_at: Date;
      school_slug: string | null;
      school_name: string | null;
    }> = await this.requests.query(
      `SELECT s.id, s.created_at, coalesce(s.last_refreshed_at, s.created_at) AS last_used_at,
              o.slug AS school_slug, o.name AS school_name
         FROM public.auth_sessions s
         LEFT JOIN public.organizations o ON o.id = s.organization_id
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        ORDER BY last_used_at DESC, s.id`,
      [userId],
    );
    return rows.map((row) => ({
      id: row.id,
      school:
        row.school_slug !== null && row.school_name !== null
          ? { slug: row.school_slug, name: row.school_name }
          : null,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  /**
   * Ends one of the user's own live sessions. False when there is no such session of theirs:
   * someone else's session and a missing one are the same answer.
   */
  async revokeOwn(userId: string, sessionId: string, reason: string): Promise<boolean> {
    const ended: unknown[] = await this.requests.query(
      `WITH ended AS (
         UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = $3
          WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
          RETURNING id)
       SELECT pg_notify('auth_sessions', id::text) FROM ended`,
      [sessionId, userId, reason],
    );
    this.active.delete(sessionId);
    return ended.length > 0;
  }

  /**
   * Ends every session of the user (a password reset), in the caller's transaction when one is
   * given; other instances forget them at its commit, through NOTIFY.
   */
  async revokeAll(userId: string, reason: string, manager?: EntityManager): Promise<void> {
    if (!manager) {
      return this.requests.transaction((platform) => this.revokeAll(userId, reason, platform));
    }
    await manager.query(
      `WITH ended AS (
         UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = $2
          WHERE user_id = $1 AND revoked_at IS NULL RETURNING id)
       SELECT pg_notify('auth_sessions', 'user:' || $1) FROM (SELECT 1 FROM ended LIMIT 1) AS any_ended`,
      [userId, reason],
    );
    this.forget(`user:${userId}`);
  }

  async isActive(sessionId: string, userId: string): Promise<boolean> {
    if (this.active.get(sessionId) === userId) return true;
    // A revocation heard while the query runs must not be undone by what it read before.
    const stamp = this.active.stamp();
    const rows: unknown[] = await this.requests.query(
      `SELECT 1 FROM public.auth_sessions s JOIN public.users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.is_active`,
      [sessionId, userId],
    );
    if (rows.length === 0) return false;
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

  private async revokeWith(
    manager: EntityManager,
    sessionId: string,
    reason: string,
  ): Promise<void> {
    await manager.query(
      `WITH ended AS (
         UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = $2
          WHERE id = $1 AND revoked_at IS NULL RETURNING id)
       SELECT pg_notify('auth_sessions', id::text) FROM ended`,
      [sessionId, reason],
    );
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
