import { Injectable } from '@nestjs/common';
import { selectRows } from '@schoolyard/common';
import { type OrganizationStatus } from '@schoolyard/database';
import { PlatformDatabase, type School } from '@schoolyard/tenancy';
import { type EntityManager } from 'typeorm';

/** A global account's deletion or deactivation, recorded by a trigger in the same transaction. */
export interface AccountEvent {
  id: string;
  user_id: string;
  kind: 'deleted' | 'deactivated';
}

/** The platform side of the account cascade: its event queue, sessions and memberships. */
@Injectable()
export class AccountCascadeRepository {
  constructor(private readonly requests: PlatformDatabase) {}

  /**
   * Claims the oldest pending event nobody else holds, for `seconds`; undefined when none is
   * left. Wrapped in a SELECT: PlatformDatabase.query (one statement, its COMMIT in the same
   * write) answers a bare UPDATE with [rows, count], not rows.
   */
  async claimEvent(seconds: number): Promise<AccountEvent | undefined> {
    const [event]: AccountEvent[] = await this.requests.query(
      `WITH claimed AS (
         UPDATE public.account_events SET claimed_until = now() + make_interval(secs => $1)
          WHERE id = (SELECT id FROM public.account_events
                       WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, user_id, kind)
       SELECT * FROM claimed`,
      [seconds],
    );
    return event;
  }

  /**
   * Claims up to `limit` pending events nobody holds, for `seconds`, on the owner's
   * transaction in `manager`, where their jobs are written too: both commit or neither.
   */
  claimForJobs(manager: EntityManager, seconds: number, limit: number): Promise<string[]> {
    return selectRows<{ id: string }>(
      manager,
      `UPDATE public.account_events SET claimed_until = now() + make_interval(secs => $1)
        WHERE id IN (SELECT id FROM public.account_events
                      WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [seconds, limit],
    ).then((rows) => rows.map((row) => row.id));
  }

  /** The event, unless it is done (or gone). */
  async pendingEvent(eventId: string): Promise<AccountEvent | undefined> {
    const [event]: AccountEvent[] = await this.requests.query(
      `SELECT id, user_id, kind FROM public.account_events WHERE id = $1 AND processed_at IS NULL`,
      [eventId],
    );
    return event;
  }

  async markProcessed(eventId: string): Promise<void> {
    await this.requests.query(
      `UPDATE public.account_events SET processed_at = now() WHERE id = $1`,
      [eventId],
    );
  }

  /** Ends every session of the account, everywhere at once. */
  async revokeSessions(userId: string): Promise<void> {
    await this.requests.query(
      `UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = 'account_deactivated'
        WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
  }

  /** The schools the account is a member of, by slug. */
  schoolsOf(userId: string): Promise<Array<School & { status: OrganizationStatus }>> {
    return this.requests.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.school_memberships m JOIN public.organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1
        ORDER BY o.slug`,
      [userId],
    );
  }
}
