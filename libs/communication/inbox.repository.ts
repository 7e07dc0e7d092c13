import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type InboxQuery, type NotificationView } from './inbox.dto';

/** The caller's profiles in this school: an inbox is everyone's own, whatever their roles. */
const MINE = 'SELECT id FROM profiles WHERE user_id = $1';

const VIEW = `n.id, n.category, n.title, n.body, n.data, n.created_at AS "createdAt",
  n.read_at AS "readAt"`;

/** The inbox's SQL: every statement is bound to the account's own profiles. */
@Injectable()
export class InboxRepository {
  constructor(private readonly tenant: TenantContext) {}

  /** A page, its total and the unread count, in one statement. */
  async page(
    userId: string,
    query: InboxQuery,
  ): Promise<{ items: NotificationView[]; total: number; unreadCount: number }> {
    const row = await selectRow<{ items: NotificationView[]; total: number; unread: number }>(
      this.tenant.manager,
      `WITH mine AS (${MINE}),
       chosen AS (
         SELECT n.* FROM notifications n
          WHERE n.profile_id IN (SELECT id FROM mine)
            AND ($2::boolean IS NOT TRUE OR n.read_at IS NULL)
            AND ($3::text IS NULL OR n.category = $3)),
       page AS (
         SELECT ${VIEW} FROM chosen n ORDER BY n.created_at DESC, n.id DESC LIMIT $4 OFFSET $5)
       SELECT coalesce((SELECT json_agg(p ORDER BY p."createdAt" DESC, p.id DESC) FROM page p),
                       '[]') AS items,
              (SELECT count(*) FROM chosen)::int AS total,
              (SELECT count(*) FROM notifications
                WHERE profile_id IN (SELECT id FROM mine) AND read_at IS NULL)::int AS unread`,
      [
        userId,
        query.unread ?? null,
        query.category ?? null,
        query.pageSize,
        (query.page - 1) * query.pageSize,
      ],
    );
    const items = (row?.items ?? []).map((item) => ({
      ...item,
      createdAt: new Date(item.createdAt),
      readAt: item.readAt === null ? null : new Date(item.readAt),
    }));
    return { items, total: row?.total ?? 0, unreadCount: row?.unread ?? 0 };
  }

  /** The notification, marked read (kept as first read); undefined when it is not the caller's. */
  async markRead(userId: string, id: string): Promise<NotificationView | undefined> {
    const [row] = await this.tenant.finalQuery<NotificationView[]>(
      // Wrapped in a SELECT: a bare UPDATE's answer through the driver is not its rows.
      `WITH read AS (
         UPDATE notifications n SET read_at = coalesce(n.read_at, now())
          WHERE n.id = $2 AND n.profile_id IN (${MINE})
         RETURNING ${VIEW})
       SELECT * FROM read`,
      [userId, id],
    );
    return row;
  }

  async markAllRead(userId: string): Promise<number> {
    const [row] = await this.tenant.finalQuery<Array<{ marked: number }>>(
      `WITH marked AS (
         UPDATE notifications SET read_at = now()
          WHERE profile_id IN (${MINE}) AND read_at IS NULL
         RETURNING 1)
       SELECT count(*)::int AS marked FROM marked`,
      [userId],
    );
    return row?.marked ?? 0;
  }
}
