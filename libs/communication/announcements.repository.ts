import { Injectable } from '@nestjs/common';
import { likePattern, type PageQuery, queryPage, selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { missingAudienceSql } from './announcement-audience';
import {
  type AnnouncementChannel,
  type AnnouncementPage,
  type AnnouncementsQuery,
  type AnnouncementView,
  type AudienceKind,
  type FeedPage,
} from './dto/announcements.dto';

interface AnnouncementRow {
  id: string;
  title: string;
  body: string;
  audience_kind: AudienceKind;
  audience_ids: string[];
  channels: string[];
  pinned: boolean;
  publish_at: Date;
  expires_at: Date | null;
  published_at: Date | null;
  recipients: number | null;
  created_at: Date;
  read_count: number;
}

/** A new announcement, as the service checked it. */
export interface NewAnnouncement {
  title: string;
  body: string;
  kind: AudienceKind;
  ids: string[];
  channels: AnnouncementChannel[];
  pinned: boolean;
  publishAt: string | null;
  expiresAt: string | null;
}

/** What may change; audience, channels and publishAt only before publication. */
export interface AnnouncementChanges {
  title?: string;
  body?: string;
  pinned?: boolean;
  expiresAt?: string;
  kind?: AudienceKind;
  ids?: string[];
  channels?: AnnouncementChannel[];
  publishAt?: string;
}

/** Why a write did not happen, read in the same statement (the service picks the answer). */
export interface Refusal {
  found: boolean;
  published: boolean;
  missing: string[];
  smsOff: boolean;
  expiryBad: boolean;
}

export type Written =
  | { view: AnnouncementView; due: boolean; refusal?: undefined }
  | { refusal: Refusal; view?: undefined; due?: undefined };

/** The view's columns over `a`; the read count is one index probe per row shown. */
const viewColumns = (
  readCount = `(SELECT count(*)::int FROM announcement_recipients r
                 WHERE r.announcement_id = a.id AND r.read_at IS NOT NULL)`,
) => `a.id, a.title, a.body, a.audience_kind, a.audience_ids::text[] AS audience_ids,
  a.channels, a.pinned, a.publish_at, a.expires_at, a.published_at, a.recipients, a.created_at,
  ${readCount} AS read_count`;
const VIEW_COLUMNS = viewColumns();

/** `$n::text[]` of channels asked for is refused when it holds sms and the school sends none. */
const smsOff = (channels: string) =>
  `('sms' = ANY (${channels}::text[]) AND NOT (SELECT sms_enabled FROM school_settings LIMIT 1))`;

/** Announcements as the office writes them, and the feed and receipts of their recipients. */
@Injectable()
export class AnnouncementsRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Inserts the announcement unless an audience id is unknown here or SMS is asked of a school
   * without it; one statement, which also answers why it refused.
   */
  async create(userId: string, made: NewAnnouncement): Promise<Written> {
    const channels = ['in_app', ...made.channels];
    const row = await selectRow<AnnouncementRow & Refusal & { due: boolean }>(
      this.tenant.manager,
      `WITH missing AS (${missingAudienceSql('$3::text', '$4')}),
       made AS (
         INSERT INTO announcements (title, body, audience_kind, audience_ids, channels, pinned,
                                    publish_at, expires_at, created_by)
         SELECT $1, $2, $3, $4::uuid[], $5::text[], $6, coalesce($7::timestamptz, now()),
                $8::timestamptz,
                (SELECT id FROM profiles WHERE user_id = $9 ORDER BY created_at LIMIT 1)
          WHERE NOT EXISTS (SELECT 1 FROM missing) AND NOT ${smsOff('$5')}
         RETURNING *)
       SELECT ${viewColumns('0')},
              a.publish_at <= now() AS due, true AS found, false AS published,
              (SELECT coalesce(array_agg(id::text), '{}') FROM missing) AS missing,
              ${smsOff('$5')} AS "smsOff", false AS "expiryBad"
         FROM (SELECT 1) one LEFT JOIN made a ON true`,
      [
        made.title,
        made.body,
        made.kind,
        made.ids,
        channels,
        made.pinned,
        made.publishAt,
        made.expiresAt,
        userId,
      ],
    );
    if (!row?.id) return { refusal: row! };
    return { view: viewOf(row), due: row.due };
  }

  /**
   * Changes what `changes` names. Audience, channels and time change only while it is
   * unpublished: its row is then locked by the publishing job, so an edit waits for a
   * publication under way and finds it published.
   */
  async update(id: string, changes: AnnouncementChanges): Promise<Written> {
    const beforePublication =
      changes.kind !== undefined ||
      changes.channels !== undefined ||
      changes.publishAt !== undefined;
    const row = await selectRow<AnnouncementRow & Refusal & { due: boolean; updated: boolean }>(
      this.tenant.manager,
      `WITH before AS (SELECT * FROM announcements WHERE id = $1),
       missing AS (${missingAudienceSql('$6::text', '$7')}),
       changed AS (
         UPDATE announcements a
            SET title = coalesce($2, title), body = coalesce($3, body),
                pinned = coalesce($4, pinned), expires_at = coalesce($5::timestamptz, expires_at),
                audience_kind = coalesce($6, audience_kind),
                audience_ids = coalesce($7::uuid[], audience_ids),
                channels = coalesce($8::text[], channels),
                publish_at = coalesce($9::timestamptz, publish_at), updated_at = now()
          WHERE id = $1 AND (NOT $10::boolean OR published_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM missing) AND NOT coalesce(${smsOff('$8')}, false)
            AND (coalesce($5::timestamptz, expires_at) IS NULL
                 OR coalesce($5::timestamptz, expires_at) > coalesce($9::timestamptz, publish_at))
         RETURNING a.*)
       SELECT ${VIEW_COLUMNS}, a.published_at IS NULL AND a.publish_at <= now() AS due,
              true AS updated, true AS found, false AS published, '{}'::text[] AS missing,
              false AS "smsOff", false AS "expiryBad"
         FROM changed a
       UNION ALL
       SELECT ${VIEW_COLUMNS}, false, false,
              true, a.published_at IS NOT NULL,
              (SELECT coalesce(array_agg(id::text), '{}') FROM missing),
              coalesce(${smsOff('$8')}, false),
              coalesce($5::timestamptz, a.expires_at) <= coalesce($9::timestamptz, a.publish_at)
         FROM before a WHERE NOT EXISTS (SELECT 1 FROM changed)`,
      [
        id,
        changes.title ?? null,
        changes.body ?? null,
        changes.pinned ?? null,
        changes.expiresAt ?? null,
        changes.kind ?? null,
        changes.ids ?? null,
        changes.channels ? ['in_app', ...changes.channels] : null,
        changes.publishAt ?? null,
        beforePublication,
      ],
    );
    if (!row) return { refusal: noSuchAnnouncement };
    if (!row.updated) return { refusal: row };
    return { view: viewOf(row), due: row.due };
  }

  async findOne(id: string): Promise<AnnouncementView | undefined> {
    const row = await selectRow<AnnouncementRow>(
      this.tenant.manager,
      `SELECT ${VIEW_COLUMNS} FROM announcements a WHERE a.id = $1`,
      [id],
    );
    return row && viewOf(row);
  }

  /** Newest first (scheduled ones, in the future, lead), with their receipts counted. */
  async page(query: AnnouncementsQuery): Promise<AnnouncementPage> {
    const { rows, meta } = await queryPage<AnnouncementRow>(
      this.tenant.manager,
      {
        select: VIEW_COLUMNS,
        from: 'announcements a',
        where: `WHERE ($1::text IS NULL OR a.title ILIKE $1)`,
        orderBy: 'a.publish_at DESC, a.id',
      },
      [likePattern(query.search)],
      query,
    );
    return { data: rows.map(viewOf), meta };
  }

  /**
   * Deletes it; email and SMS of it not yet sent are withdrawn with it (sent ones stay: they
   * count against the month's allowance). Inbox notifications stay where they were read.
   */
  async remove(id: string): Promise<boolean> {
    const row = await selectRow<{ id: string }>(
      this.tenant.manager,
      `WITH withdrawn AS (
         DELETE FROM notification_deliveries d
          USING announcement_recipients r, notifications n
          WHERE r.announcement_id = $1 AND n.profile_id = r.profile_id
            AND n.source_key = 'announcement:' || $1::text
            AND d.notification_id = n.id AND d.status = 'pending')
       DELETE FROM announcements WHERE id = $1 RETURNING id`,
      [id],
    );
    return row !== undefined;
  }

  /**
   * Published, unexpired announcements any of the account's profiles here received, pinned
   * first, then newest. Driven from the account's receipts, so a school's size does not
   * matter.
   */
  async feed(userId: string, query: PageQuery): Promise<FeedPage> {
    const { rows, meta } = await queryPage<{
      id: string;
      title: string;
      body: string;
      pinned: boolean;
      published_at: Date;
      expires_at: Date | null;
      read_at: Date | null;
    }>(
      this.tenant.manager,
      {
        select: 'a.id, a.title, a.body, a.pinned, a.published_at, a.expires_at, mine.read_at',
        from: `(SELECT r.announcement_id, max(r.read_at) AS read_at
                  FROM profiles p JOIN announcement_recipients r ON r.profile_id = p.id
                 WHERE p.user_id = $1 GROUP BY r.announcement_id) mine
               JOIN announcements a ON a.id = mine.announcement_id`,
        where: `WHERE a.published_at IS NOT NULL AND (a.expires_at IS NULL OR a.expires_at > now())`,
        orderBy: 'a.pinned DESC, a.published_at DESC, a.id',
      },
      [userId],
      query,
    );
    return {
      data: rows.map((row) => ({
        id: row.id,
        title: row.title,
        body: row.body,
        pinned: row.pinned,
        publishedAt: row.published_at,
        expiresAt: row.expires_at,
        readAt: row.read_at,
      })),
      meta,
    };
  }

  /**
   * Marks the account's receipts of the announcement read (the first reading stays), and its
   * inbox notifications with them. Undefined when none of its profiles received it.
   */
  async markRead(id: string, userId: string): Promise<Date | undefined> {
    const row = await selectRow<{ read_at: Date | null }>(
      this.tenant.manager,
      `WITH mine AS (
         UPDATE announcement_recipients r SET read_at = coalesce(r.read_at, now())
           FROM profiles p
          WHERE r.announcement_id = $1 AND p.id = r.profile_id AND p.user_id = $2
         RETURNING r.profile_id, r.read_at),
       seen AS (
         UPDATE notifications n SET read_at = coalesce(n.read_at, now())
           FROM mine
          WHERE n.profile_id = mine.profile_id AND n.source_key = 'announcement:' || $1::text
         RETURNING 1)
       SELECT min(read_at) AS read_at FROM mine`,
      [id, userId],
    );
    return row?.read_at ?? undefined;
  }
}

const noSuchAnnouncement: Refusal = {
  found: false,
  published: false,
  missing: [],
  smsOff: false,
  expiryBad: false,
};

function viewOf(row: AnnouncementRow): AnnouncementView {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    audience: { kind: row.audience_kind, ids: row.audience_ids },
    channels: row.channels.filter((c): c is AnnouncementChannel => c !== 'in_app'),
    pinned: row.pinned,
    publishAt: row.publish_at,
    expiresAt: row.expires_at,
    publishedAt: row.published_at,
    recipients: row.recipients,
    readCount: row.read_count,
    createdAt: row.created_at,
  };
}
