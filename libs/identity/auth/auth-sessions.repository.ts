import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { PlatformDatabase } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** A refresh token with its session and account, as rotation checks it. */
export interface RefreshTokenRow {
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

export interface LiveSessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  school_slug: string | null;
  school_name: string | null;
}

/** A live session as its holder sees it: no token, nothing secret. */
export interface SessionSummary {
  id: string;
  school: { slug: string; name: string } | null;
  createdAt: Date;
  lastUsedAt: Date;
}

export function sessionSummary(row: LiveSessionRow): SessionSummary {
  return {
    id: row.id,
    school:
      row.school_slug !== null && row.school_name !== null
        ? { slug: row.school_slug, name: row.school_name }
        : null,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/**
 * Which sessions a revocation ends, over $1..$n; `$reason` stands for the parameter after them.
 * Every revocation announces itself through NOTIFY so other instances drop what they cached:
 * by session id when it names sessions, once per user (and only if any ended) when it ends a
 * user's sessions wholesale. The CTE is what carries the NOTIFY, not a way of counting.
 */
function endSessionsSql(where: string, reason: string, announce: 'each' | 'user'): string {
  const notify =
    announce === 'each'
      ? `SELECT pg_notify('auth_sessions', id::text) FROM ended`
      : `SELECT pg_notify('auth_sessions', 'user:' || $1) FROM (SELECT 1 FROM ended LIMIT 1) AS any_ended`;
  return `WITH ended AS (
         UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = ${reason}
          WHERE ${where} AND revoked_at IS NULL RETURNING id)
       ${notify}`;
}

const END_SESSION = endSessionsSql('id = $1', '$2', 'each');
const END_OWN_SESSION = endSessionsSql(
  'id = $1 AND user_id = $2 AND expires_at > now()',
  '$3',
  'each',
);
const END_OTHER_SESSIONS = endSessionsSql('user_id = $1 AND id <> $2', '$3', 'user');
const END_USER_SESSIONS = endSessionsSql('user_id = $1', '$2', 'user');

/**
 * Sessions and their refresh-token families in `public`. A method without a manager is one
 * statement of its own (its COMMIT rides with it); one with a manager runs in the caller's
 * platform transaction.
 */
@Injectable()
export class AuthSessionsRepository {
  constructor(private readonly platform: PlatformDatabase) {}

  /** A session and the first token of its family, in one statement. */
  async insertSession(session: {
    userId: string;
    schoolId: string | null;
    ttlDays: number;
    secretHash: string;
  }): Promise<{ tokenId: string; sessionId: string }> {
    const [row] = await this.platform.query<Array<{ id: string; session_id: string }>>(
      `WITH session AS (
         INSERT INTO public.auth_sessions (user_id, organization_id, expires_at)
         VALUES ($1, $2, now() + make_interval(days => $3)) RETURNING id)
       INSERT INTO public.refresh_tokens (session_id, secret_hash)
       SELECT id, $4 FROM session RETURNING id, session_id`,
      [session.userId, session.schoolId, session.ttlDays, session.secretHash],
    );
    return { tokenId: row.id, sessionId: row.session_id };
  }

  /** Locks the token (not its session) so that two rotations of it queue. */
  lockRefreshToken(manager: EntityManager, tokenId: string): Promise<RefreshTokenRow | undefined> {
    return selectRow<RefreshTokenRow>(
      manager,
      `SELECT t.secret_hash, t.used_at, s.id AS session_id, s.user_id, s.organization_id,
              s.revoked_at, s.expires_at > now() AS live, u.is_active, u.must_change_password
         FROM public.refresh_tokens t
         JOIN public.auth_sessions s ON s.id = t.session_id
         JOIN public.users u ON u.id = s.user_id
        WHERE t.id = $1
        FOR UPDATE OF t`,
      [tokenId],
    );
  }

  async spendRefreshToken(manager: EntityManager, tokenId: string): Promise<void> {
    await execute(manager, `UPDATE public.refresh_tokens SET used_at = now() WHERE id = $1`, [
      tokenId,
    ]);
  }

  async insertRefreshToken(
    manager: EntityManager,
    sessionId: string,
    secretHash: string,
  ): Promise<string> {
    const [row] = await selectRows<{ id: string }>(
      manager,
      `INSERT INTO public.refresh_tokens (session_id, secret_hash) VALUES ($1, $2) RETURNING id`,
      [sessionId, secretHash],
    );
    return row.id;
  }

  async markRefreshed(manager: EntityManager, sessionId: string): Promise<void> {
    await execute(
      manager,
      `UPDATE public.auth_sessions SET last_refreshed_at = now() WHERE id = $1`,
      [sessionId],
    );
  }

  async endSession(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await selectRows(manager, END_SESSION, [sessionId, reason]);
  }

  /** False when the user has no such live session (someone else's is the same answer). */
  async endOwnSession(userId: string, sessionId: string, reason: string): Promise<boolean> {
    const ended = await this.platform.query<unknown[]>(END_OWN_SESSION, [
      sessionId,
      userId,
      reason,
    ]);
    return ended.length > 0;
  }

  async endOtherSessions(userId: string, keepSessionId: string, reason: string): Promise<void> {
    await this.platform.query(END_OTHER_SESSIONS, [userId, keepSessionId, reason]);
  }

  async endUserSessions(manager: EntityManager, userId: string, reason: string): Promise<void> {
    await selectRows(manager, END_USER_SESSIONS, [userId, reason]);
  }

  /** The user's live sessions, most recently used first. */
  liveSessionsOf(userId: string): Promise<LiveSessionRow[]> {
    return this.platform.query<LiveSessionRow[]>(
      `SELECT s.id, s.created_at, coalesce(s.last_refreshed_at, s.created_at) AS last_used_at,
              o.slug AS school_slug, o.name AS school_name
         FROM public.auth_sessions s
         LEFT JOIN public.organizations o ON o.id = s.organization_id
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        ORDER BY last_used_at DESC, s.id`,
      [userId],
    );
  }

  async isLive(sessionId: string, userId: string): Promise<boolean> {
    const rows = await this.platform.query<unknown[]>(
      `SELECT 1 FROM public.auth_sessions s JOIN public.users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.is_active`,
      [sessionId, userId],
    );
    return rows.length > 0;
  }
}
