import { Injectable } from '@nestjs/common';
import { queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type MessagePage,
  type MessagesQuery,
  type MessageView,
  type ParticipantKind,
} from './dto/messages.dto';
import { PARTICIPANT_KIND } from './message-scope';

interface MessageRow {
  id: string;
  author_id: string | null;
  author_name: string | null;
  author_kind: ParticipantKind | null;
  body: string;
  created_at: Date;
}

export interface PostedMessage {
  message: MessageView;
  threadId: string;
  subject: string;
}

/**
 * Everyone in the thread ($1) but the author ($2): whom a new message notifies, as the
 * notifications writer takes its recipients.
 */
export const OTHER_PARTICIPANTS = `SELECT profile_id FROM message_thread_participants
  WHERE thread_id = $1 AND profile_id IS DISTINCT FROM $2::uuid`;

/** The posts of a thread. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Posts as the account's profile that takes part in the thread (the school side first),
   * moves the thread's activity on and the author's reading to now; undefined when the
   * account takes no part. One statement: the participation is checked by the insert itself.
   */
  async post(userId: string, threadId: string, body: string): Promise<PostedMessage | undefined> {
    const row = await selectRow<MessageRow & { thread_id: string; subject: string }>(
      this.tenant.manager,
      `WITH author AS (
         SELECT mp.profile_id FROM message_thread_participants mp
           JOIN profiles p ON p.id = mp.profile_id
          WHERE mp.thread_id = $1 AND p.user_id = $2::uuid
          ORDER BY p.kind IN ('staff', 'owner') DESC, p.created_at LIMIT 1),
       posted AS (
         INSERT INTO messages (thread_id, author_id, body)
         SELECT $1, profile_id, $3 FROM author
         RETURNING id, thread_id, author_id, body, created_at),
       touched AS (
         UPDATE message_threads t SET last_message_at = greatest(t.last_message_at, posted.created_at)
           FROM posted WHERE t.id = posted.thread_id
         RETURNING t.subject),
       -- Writing in a thread is having read it.
       read AS (
         UPDATE message_thread_participants mp SET last_read_at = now()
           FROM author WHERE mp.thread_id = $1 AND mp.profile_id = author.profile_id)
       SELECT posted.*, touched.subject, concat_ws(' ', a.first_name, a.last_name) AS author_name,
              ${PARTICIPANT_KIND('a')} AS author_kind
         FROM posted CROSS JOIN touched JOIN profiles a ON a.id = posted.author_id`,
      [threadId, userId, body],
    );
    return row && { message: viewOf(row), threadId: row.thread_id, subject: row.subject };
  }

  /** A page of the thread's messages, oldest first (the caller checked the thread is theirs). */
  async page(threadId: string, query: MessagesQuery): Promise<MessagePage> {
    const { rows, meta } = await queryPage<MessageRow>(
      this.tenant.manager,
      {
        select: `m.id, m.author_id, concat_ws(' ', a.first_name, a.last_name) AS author_name,
                 CASE WHEN a.id IS NOT NULL THEN ${PARTICIPANT_KIND('a')} END AS author_kind,
                 m.body, m.created_at`,
        from: `messages m LEFT JOIN profiles a ON a.id = m.author_id`,
        where: `WHERE m.thread_id = $1`,
        orderBy: `m.created_at, m.id`,
      },
      [threadId],
      query,
    );
    return { data: rows.map(viewOf), meta };
  }
}

export function viewOf(row: MessageRow): MessageView {
  return {
    id: row.id,
    author:
      row.author_id && row.author_kind
        ? { profileId: row.author_id, name: row.author_name ?? '', kind: row.author_kind }
        : null,
    body: row.body,
    createdAt: row.created_at,
  };
}
