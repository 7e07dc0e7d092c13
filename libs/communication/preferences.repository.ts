import { Injectable } from '@nestjs/common';
import { selectRow } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type ChannelPreferenceDto, type QuietHoursDto } from './preferences.dto';

export interface PreferencesRow {
  /** Switched-off `category:channel` pairs of any of the caller's profiles. */
  off: string[];
  startsAt: string | null;
  endsAt: string | null;
  email: boolean;
  sms: boolean;
  profiles: number;
}

/**
 * A person's switches and quiet hours. An account may hold several profiles here (staff and
 * guardian, say): a change applies to all of them, and a channel reads as off if any is off.
 */
@Injectable()
export class PreferencesRepository {
  constructor(private readonly tenant: TenantContext) {}

  async read(userId: string): Promise<PreferencesRow | undefined> {
    return selectRow<PreferencesRow>(
      this.tenant.manager,
      `WITH mine AS (SELECT id FROM profiles WHERE user_id = $1)
       SELECT ARRAY(SELECT DISTINCT p.category || ':' || p.channel FROM notification_preferences p
                     WHERE p.profile_id IN (SELECT id FROM mine) AND NOT p.enabled) AS off,
              (SELECT to_char(q.starts_at, 'HH24:MI') FROM notification_quiet_hours q
                WHERE q.profile_id IN (SELECT id FROM mine) ORDER BY q.profile_id LIMIT 1)
                AS "startsAt",
              (SELECT to_char(q.ends_at, 'HH24:MI') FROM notification_quiet_hours q
                WHERE q.profile_id IN (SELECT id FROM mine) ORDER BY q.profile_id LIMIT 1)
                AS "endsAt",
              s.email_enabled AS email, s.sms_enabled AS sms,
              (SELECT count(*) FROM mine)::int AS profiles
         FROM school_settings s`,
      [userId],
    );
  }

  /**
   * One statement: the switches upserted and the quiet hours set, cleared or left alone
   * (`quietHours` undefined), for every profile of the account. Answers how many profiles.
   */
  async write(
    userId: string,
    channels: readonly ChannelPreferenceDto[],
    quietHours: QuietHoursDto | null | undefined,
  ): Promise<number> {
    const row = await selectRow<{ profiles: number }>(
      this.tenant.manager,
      `WITH mine AS (SELECT id FROM profiles WHERE user_id = $1),
       switched AS (
         INSERT INTO notification_preferences AS p (profile_id, category, channel, enabled)
         SELECT m.id, c.category, c.channel, c.enabled
           FROM mine m CROSS JOIN unnest($2::text[], $3::text[], $4::boolean[])
                AS c(category, channel, enabled)
         ON CONFLICT (profile_id, category, channel) DO UPDATE SET enabled = excluded.enabled
         RETURNING 1),
       cleared AS (
         DELETE FROM notification_quiet_hours
          WHERE $5 = 'clear' AND profile_id IN (SELECT id FROM mine)
         RETURNING 1),
       quiet AS (
         INSERT INTO notification_quiet_hours AS q (profile_id, starts_at, ends_at)
         SELECT id, $6::time, $7::time FROM mine WHERE $5 = 'set'
         ON CONFLICT (profile_id) DO UPDATE SET starts_at = excluded.starts_at,
                                                ends_at = excluded.ends_at
         RETURNING 1)
       SELECT (SELECT count(*) FROM mine)::int AS profiles,
              (SELECT count(*) FROM switched) + (SELECT count(*) FROM cleared)
                + (SELECT count(*) FROM quiet) AS written`,
      [
        userId,
        channels.map((c) => c.category),
        channels.map((c) => c.channel),
        channels.map((c) => c.enabled),
        quietHours === undefined ? 'keep' : quietHours === null ? 'clear' : 'set',
        quietHours?.startsAt ?? null,
        quietHours?.endsAt ?? null,
      ],
    );
    return row?.profiles ?? 0;
  }
}
