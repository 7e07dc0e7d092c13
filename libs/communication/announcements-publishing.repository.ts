import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { AUDIENCE_SQL } from './announcement-audience';
import { type DeliveryChannel } from './notifications-writer';

/** How a fan-out went, or would go (a dry run writes nothing). */
export interface FanOut {
  id: string;
  title: string;
  body: string;
  /** SMS it queues: its audience, less those who switched announcement SMS off. */
  smsNeeded: number;
  /** The plan's monthly allowance; null: none. */
  smsLimit: number | null;
  smsUsed: number;
  overQuota: boolean;
  /** Set when it was published by this statement. */
  publishedAt: Date | null;
  recipients: number | null;
  /** Channels besides in-app it was published with (sms dropped when over the allowance). */
  channels: DeliveryChannel[];
}

export interface FanOutOptions {
  /** This announcement; without it, the earliest due one no other transaction holds. */
  id?: string;
  /** Write nothing: only what it would need. */
  dryRun?: boolean;
  /** Over the allowance, publish without SMS (a job) rather than write nothing (a request). */
  dropSmsOverQuota?: boolean;
  /** The month's SMS allowance (`smsQuota()`; null: none), when SMS may be asked for. */
  smsQuota?: number | null;
}

/**
 * The publication of one announcement: its row locked (`SKIP LOCKED`: a second job moves on
 * to another), its audience resolved, the SMS allowance checked, its recipients written and
 * it marked published, all in one statement whatever the audience's size. A published one is
 * never picked again (`published_at IS NULL`), so it fans out once; one that expired before
 * its time is never picked at all, its news being stale.
 */
@Injectable()
export class AnnouncementsPublishingRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * The plan's monthly SMS allowance (null: none). A statement of its own: the platform's
   * definer function may not share a statement with school tables (docs/SCALE-OUT.md).
   */
  async smsQuota(): Promise<number | null> {
    const row = await selectRow<{ quota: number | null }>(
      this.tenant.manager,
      `SELECT public.school_sms_quota() AS quota`,
    );
    return row?.quota ?? null;
  }

  async fanOut(options: FanOutOptions): Promise<FanOut | undefined> {
    const row = await selectRow<{
      id: string;
      title: string;
      body: string;
      sms_needed: number;
      sms_limit: number | null;
      sms_used: number;
      over_quota: boolean;
      published_at: Date | null;
      recipients: number | null;
      channels: string[];
    }>(
      this.tenant.manager,
      `WITH a AS (
         SELECT id, title, body, audience_kind, audience_ids, channels FROM announcements
          WHERE published_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            AND (id = $1 OR ($1::uuid IS NULL AND publish_at <= now()))
          ORDER BY publish_at LIMIT 1
            FOR UPDATE SKIP LOCKED),
       audience AS (${AUDIENCE_SQL}),
       settings AS (SELECT sms_enabled, timezone FROM school_settings LIMIT 1),
       need AS (
         SELECT count(*)::int AS sms_needed
           FROM audience, a, settings
          WHERE 'sms' = ANY (a.channels) AND settings.sms_enabled
            AND NOT EXISTS (
                  SELECT 1 FROM notification_preferences p
                   WHERE p.profile_id = audience.profile_id AND p.category = 'announcement'
                     AND p.channel = 'sms' AND NOT p.enabled)),
       -- The month is the school's calendar month, read in its own time zone.
       quota AS (
         SELECT $4::int AS sms_limit,
                (SELECT count(*)::int FROM notification_deliveries d, settings s
                  WHERE d.channel = 'sms' AND d.status = 'sent'
                    AND d.sent_at >= date_trunc('month', now() AT TIME ZONE s.timezone)
                                     AT TIME ZONE s.timezone) AS sms_used),
       verdict AS (
         SELECT need.sms_needed, quota.sms_limit, quota.sms_used,
                coalesce(need.sms_needed > 0 AND quota.sms_limit - quota.sms_used < need.sms_needed,
                         false) AS over_quota
           FROM need, quota),
       go AS (
         SELECT a.id,
                CASE WHEN v.over_quota THEN array_remove(a.channels, 'sms') ELSE a.channels END
                  AS channels
           FROM a, verdict v
          WHERE NOT $2::boolean AND (NOT v.over_quota OR $3::boolean)),
       written AS (
         INSERT INTO announcement_recipients (announcement_id, profile_id)
         SELECT go.id, audience.profile_id FROM go, audience
         ON CONFLICT DO NOTHING),
       published AS (
         UPDATE announcements x
            SET published_at = now(), recipients = (SELECT count(*) FROM audience),
                channels = go.channels, updated_at = now()
           FROM go WHERE x.id = go.id
         RETURNING x.id, x.published_at, x.recipients, x.channels)
       SELECT a.id, a.title, a.body, v.sms_needed, v.sms_limit, v.sms_used, v.over_quota,
              p.published_at, p.recipients, coalesce(p.channels, a.channels) AS channels
         FROM a CROSS JOIN verdict v LEFT JOIN published p ON p.id = a.id`,
      [
        options.id ?? null,
        options.dryRun ?? false,
        options.dropSmsOverQuota ?? false,
        options.smsQuota ?? null,
      ],
    );
    if (!row) return undefined;
    return {
      id: row.id,
      title: row.title,
      body: row.body,
      smsNeeded: row.sms_needed,
      smsLimit: row.sms_limit,
      smsUsed: row.sms_used,
      overQuota: row.over_quota,
      publishedAt: row.published_at,
      recipients: row.recipients,
      channels: row.channels.filter((c): c is DeliveryChannel => c === 'email' || c === 'sms'),
    };
  }
}
