import { Injectable } from '@nestjs/common';
import { likePattern, pageWindow, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import {
  type ParticipantKind,
  type ParticipantView,
  type ThreadKind,
  type ThreadsQuery,
  type ThreadSummaryView,
} from './dto/messages.dto';
import {
  callerProfiles,
  oversees,
  PARTICIPANT_KIND,
  SCHOOL_SIDE,
  senderProfile,
  taughtStudents,
} from './message-scope';

/** One person named when a thread is opened, as the sender's rules see them. */
export interface NamedPerson {
  id: string;
  /** null: no such profile in this school. */
  kind: ParticipantKind | null;
  name: string;
  allowed: boolean;
}

export interface Recipients {
  sender: { id: string; name: string } | null;
  student: { known: boolean; taught: boolean; name: string | null };
  people: NamedPerson[];
}

export interface NewThread {
  kind: ThreadKind;
  subject: string;
  studentId: string | null;
  senderId: string;
  participantIds: string[];
  body: string;
}

interface ThreadRow {
  id: string;
  kind: ThreadKind;
  subject: string;
  student_id: string | null;
  student_name: string | null;
  participants: ParticipantView[];
  created_at: Date;
  last_message_at: Date;
  participating: boolean;
  unread_count?: number;
}

/** Who takes part in thread `t`, school side first, as JSON a view reads as it is. */
const PARTICIPANTS_OF = (t: string) => `(
  SELECT coalesce(json_agg(json_build_object(
           'profileId', pp.id, 'name', concat_ws(' ', pp.first_name, pp.last_name),
           'kind', ${PARTICIPANT_KIND('pp')})
           ORDER BY pp.kind NOT IN ('staff', 'owner'), pp.last_name, pp.first_name), '[]')
    FROM message_thread_participants mp JOIN profiles pp ON pp.id = mp.profile_id
   WHERE mp.thread_id = ${t}.id)`;

const THREAD_COLUMNS = (t: string) => `${t}.id, ${t}.kind, ${t}.subject, ${t}.student_id,
  (SELECT concat_ws(' ', sp.first_name, sp.last_name) FROM profiles sp WHERE sp.id = ${t}.student_id)
    AS student_name,
  ${PARTICIPANTS_OF(t)} AS participants, ${t}.created_at, ${t}.last_message_at`;

/**
 * Messages in the thread of participation `mp` that its person has not read: written since
 * their last reading by anyone but the account whose profiles are `me`.
 */
export const UNREAD_IN = (mp: string, me: string) => `(
  SELECT count(*) FROM messages m
   WHERE m.thread_id = ${mp}.thread_id
     AND m.created_at > coalesce(${mp}.last_read_at, '-infinity')
     AND (m.author_id IS NULL OR m.author_id NOT IN (${me})))::int`;

/** The account's participations, one per thread (an account may hold two profiles in one). */
const PARTICIPATIONS = (me: string) => `
  SELECT DISTINCT ON (mp.thread_id) mp.thread_id, mp.profile_id, mp.last_read_at
    FROM message_thread_participants mp
   WHERE mp.profile_id IN (${me})
   ORDER BY mp.thread_id, mp.last_read_at DESC NULLS LAST`;

/** Message threads: who may be named, opening, the inbox, reading. */
@Injectable()
export class ThreadsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * The sender's profile and, for each person named, who they are and whether the sender may
   * write to them: staff always; students the sender teaches; guardians of such students
   * (of `studentId` when given). `reachesAll` lifts the teaching rule, not the guardian's
   * link to `studentId`. One statement for any number of people.
   */
  async recipients(
    userId: string,
    ids: string[],
    studentId: string | null,
    reachesAll: boolean,
  ): Promise<Recipients> {
    const row = await selectRow<{
      sender_id: string | null;
      sender_name: string | null;
      student_known: boolean;
      student_taught: boolean;
      student_name: string | null;
      people: NamedPerson[];
    }>(
      this.tenant.manager,
      `WITH sender AS (${senderProfile('$1')}),
       taught AS (${taughtStudents('(SELECT id FROM sender)')}),
       asked AS (
         SELECT DISTINCT a.id FROM unnest($2::uuid[]) AS a (id)
          WHERE a.id IS DISTINCT FROM (SELECT id FROM sender)),
       people AS (
         SELECT a.id, concat_ws(' ', p.first_name, p.last_name) AS name,
                CASE WHEN p.id IS NOT NULL THEN ${PARTICIPANT_KIND('p')} END AS kind,
                CASE
                  WHEN p.kind IN ('staff', 'owner') THEN ${SCHOOL_SIDE('p', 'st')}
                  WHEN p.kind = 'guardian' THEN ($3::uuid IS NULL AND $4::boolean) OR EXISTS (
                    SELECT 1 FROM student_guardians sg
                     WHERE sg.guardian_id = p.id AND ($3::uuid IS NULL OR sg.student_id = $3::uuid)
                       AND ($4::boolean OR sg.student_id IN (SELECT student_id FROM taught)))
                  WHEN p.kind = 'student' THEN $4::boolean
                    OR p.id IN (SELECT student_id FROM taught)
                  ELSE false
                END AS allowed
           FROM asked a
           LEFT JOIN profiles p ON p.id = a.id
           LEFT JOIN staff st ON st.profile_id = p.id)
       SELECT s.id AS sender_id, s.name AS sender_name,
              ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM students WHERE profile_id = $3::uuid))
                AS student_known,
              ($3::uuid IS NULL OR $4::boolean OR $3::uuid IN (SELECT student_id FROM taught))
                AS student_taught,
              (SELECT concat_ws(' ', first_name, last_name) FROM profiles WHERE id = $3::uuid)
                AS student_name,
              (SELECT coalesce(json_agg(people), '[]') FROM people) AS people
         FROM (SELECT 1) one LEFT JOIN sender s ON true`,
      [userId, ids, studentId, reachesAll],
    );
    if (!row) throw new Error('the recipients statement answers one row');
    return {
      sender: row.sender_id ? { id: row.sender_id, name: row.sender_name ?? '' } : null,
      student: {
        known: row.student_known,
        taught: row.student_taught,
        name: row.student_name,
      },
      people: row.people,
    };
  }

  /** The thread, its participants (the sender has read it) and its first message. */
  async open(thread: NewThread): Promise<{ id: string; createdAt: Date; messageId: string }> {
    const row = await selectRow<{ id: string; created_at: Date; message_id: string }>(
      this.tenant.manager,
      `WITH thread AS (
         INSERT INTO message_threads (kind, subject, student_id, created_by)
         VALUES ($1, $2, $3, $4) RETURNING id, created_at),
       joined AS (
         INSERT INTO message_thread_participants (thread_id, profile_id, last_read_at)
         SELECT thread.id, who.id, CASE WHEN who.id = $4 THEN now() END
           FROM thread CROSS JOIN unnest(array_prepend($4::uuid, $5::uuid[])) AS who (id)),
       posted AS (
         INSERT INTO messages (thread_id, author_id, body) SELECT id, $4, $6 FROM thread
         RETURNING id)
       SELECT thread.id, thread.created_at, posted.id AS message_id FROM thread, posted`,
      [
        thread.kind,
        thread.subject,
        thread.studentId,
        thread.senderId,
        thread.participantIds,
        thread.body,
      ],
    );
    if (!row) throw new Error('opening a thread answers its row');
    return { id: row.id, createdAt: row.created_at, messageId: row.message_id };
  }

  /**
   * A page of the account's threads, newest activity first, with every staff–student thread
   * too when `overseeing` and the account holds messages.oversee; the total, the account's
   * unread messages in all its threads, and whether it oversees. One statement, even past
   * the last page.
   */
  async page(
    userId: string,
    query: ThreadsQuery,
    overseeing: boolean,
  ): Promise<{ rows: ThreadSummaryView[]; total: number; unread: number; oversees: boolean }> {
    const me = callerProfiles('$1');
    const rows = await selectRows<
      Omit<ThreadRow, 'id'> & {
        id: string | null;
        total: number;
        unread: number;
        oversees: boolean;
      }
    >(
      this.tenant.manager,
      `WITH mine AS (${PARTICIPATIONS(me)}),
       listed AS (
         SELECT t.*, mine.thread_id IS NOT NULL AS participating,
                CASE WHEN mine.thread_id IS NULL THEN 0 ELSE ${UNREAD_IN('mine', me)} END
                  AS unread_count
           FROM message_threads t LEFT JOIN mine ON mine.thread_id = t.id
          WHERE (mine.thread_id IS NOT NULL
                 OR ($2::boolean AND t.kind = 'staff_student' AND ${oversees('$1')}))
            AND ($3::text IS NULL OR t.subject ILIKE $3)),
       totals AS (
         SELECT (SELECT count(*) FROM listed)::int AS total,
                (SELECT coalesce(sum(${UNREAD_IN('mine', me)}), 0) FROM mine)::int AS unread,
                ${oversees('$1')} AS oversees)
       SELECT totals.*, page.*
         FROM totals LEFT JOIN LATERAL (
           SELECT ${THREAD_COLUMNS('l')}, l.participating, l.unread_count
             FROM listed l ORDER BY l.last_message_at DESC, l.id LIMIT $4 OFFSET $5) page ON true`,
      [userId, overseeing, likePattern(query.search), ...pageWindow(query)],
    );
    const first = rows[0];
    return {
      rows: rows.filter((row): row is ThreadRow & typeof row => row.id !== null).map(summaryOf),
      total: first.total,
      unread: first.unread,
      oversees: first.oversees,
    };
  }

  /**
   * The thread, for a participant (whose reading moves to now, in the same statement) or,
   * for a staff–student thread, an overseer. Undefined for anyone else.
   */
  async readThread(userId: string, threadId: string): Promise<ThreadSummaryView | undefined> {
    const row = await selectRow<ThreadRow>(
      this.tenant.manager,
      `WITH marked AS (
         UPDATE message_thread_participants SET last_read_at = now()
          WHERE thread_id = $1 AND profile_id IN (${callerProfiles('$2')})
         RETURNING profile_id)
       SELECT ${THREAD_COLUMNS('t')}, EXISTS (SELECT 1 FROM marked) AS participating
         FROM message_threads t
        WHERE t.id = $1
          AND (EXISTS (SELECT 1 FROM marked)
               OR (t.kind = 'staff_student' AND ${oversees('$2')}))`,
      [threadId, userId],
    );
    return row && summaryOf(row);
  }

  /**
   * Marks the thread read for the account's participation; undefined when it takes no part.
   * Answers the account's unread messages left in its other threads.
   */
  async markRead(userId: string, threadId: string): Promise<number | undefined> {
    const me = callerProfiles('$2');
    const row = await selectRow<{ marked: number; unread: number }>(
      this.tenant.manager,
      `WITH marked AS (
         UPDATE message_thread_participants SET last_read_at = now()
          WHERE thread_id = $1 AND profile_id IN (${me})
         RETURNING thread_id),
       mine AS (${PARTICIPATIONS(me)})
       SELECT (SELECT count(*) FROM marked)::int AS marked,
              (SELECT coalesce(sum(${UNREAD_IN('mine', me)}), 0) FROM mine
                WHERE mine.thread_id <> $1)::int AS unread`,
      [threadId, userId],
    );
    return row && row.marked > 0 ? row.unread : undefined;
  }

  /** The account's unread messages in all its threads. */
  async unread(userId: string): Promise<number> {
    const me = callerProfiles('$1');
    const row = await selectRow<{ unread: number }>(
      this.tenant.manager,
      `WITH mine AS (${PARTICIPATIONS(me)})
       SELECT coalesce(sum(${UNREAD_IN('mine', me)}), 0)::int AS unread FROM mine`,
      [userId],
    );
    return row?.unread ?? 0;
  }
}

function summaryOf(row: ThreadRow): ThreadSummaryView {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    student: row.student_id ? { id: row.student_id, name: row.student_name ?? '' } : null,
    participants: row.participants,
    createdAt: row.created_at,
    lastMessageAt: row.last_message_at,
    participating: row.participating,
    unreadCount: row.unread_count ?? 0,
  };
}
