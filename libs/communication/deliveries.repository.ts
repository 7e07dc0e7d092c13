import { Injectable } from '@nestjs/common';
import { execute, selectRow, selectRows } from '@schoolyard/common';
import { TenantContext } from '@schoolyard/tenancy';
import { type DeliveryChannel } from './notifications-writer';

/** A due delivery as the job claims it, with what deciding and sending it needs. */
export interface ClaimedDelivery {
  id: string;
  channel: DeliveryChannel;
  key: string;
  attempts: number;
  userId: string | null;
  profileEmail: string | null;
  phone: string | null;
  category: string;
  title: string;
  body: string;
  /** When the person's quiet hours end, if they are in them now. */
  quietUntil: Date | null;
  /** The school turned the channel off, or the person the category's channel, since writing. */
  switchedOff: boolean;
}

/** What every delivery of a batch shares: the school's look and its SMS allowance. */
export interface SchoolFacts {
  schoolName: string;
  locale: string;
  color: string | null;
  /** The plan's SMS per month; null: no limit. */
  smsQuota: number | null;
  /** SMS sent or being sent this calendar month, in the school's time zone. */
  smsUsed: number;
}

export type SkipReason = 'opted_out' | 'no_address' | 'invalid_address' | 'quota' | 'channel_off';

/** What the job decided for one claimed delivery. */
export type Decision =
  | { id: string; kind: 'hold'; until: Date }
  | { id: string; kind: 'skip'; reason: SkipReason; address?: string }
  | { id: string; kind: 'mailed'; address: string }
  | { id: string; kind: 'sending'; address: string };

/** How a provider's call for one 'sending' SMS ended. */
export type SmsResult =
  | { id: string; kind: 'sent'; providerRef: string }
  | { id: string; kind: 'retry'; error: string; notBefore: Date }
  | { id: string; kind: 'failed'; error: string };

/** The school side of the delivery job: claiming, deciding and recording deliveries. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly tenant: TenantContext) {}

  /**
   * Deliveries left 'sending' by a job that stopped after claiming them: the provider may or
   * may not have taken the message, so it is not sent again (at most once) but failed, said so.
   */
  async failInterrupted(staleMinutes: number): Promise<void> {
    await execute(
      this.tenant.manager,
      `UPDATE notification_deliveries
          SET status = 'failed',
              last_error = 'interrupted while sending: not sent again, it may have gone'
        WHERE status = 'sending' AND not_before < now() - make_interval(mins => $1)`,
      [staleMinutes],
    );
  }

  async facts(): Promise<SchoolFacts | undefined> {
    // The platform's definer function alone in its statement (docs/SCALE-OUT.md).
    const quota = await selectRow<{ quota: number | null }>(
      this.tenant.manager,
      `SELECT public.school_sms_quota() AS quota`,
    );
    const facts = await selectRow<Omit<SchoolFacts, 'smsQuota'>>(
      this.tenant.manager,
      `SELECT s.display_name AS "schoolName", s.locale, s.primary_color AS color,
              (SELECT count(*)::int FROM notification_deliveries d
                WHERE d.channel = 'sms'
                  AND ((d.status = 'sent' AND d.sent_at >= m.starts)
                       OR (d.status = 'sending' AND d.not_before >= m.starts))) AS "smsUsed"
         FROM school_settings s
         CROSS JOIN LATERAL (
           SELECT date_trunc('month', now() AT TIME ZONE s.timezone) AT TIME ZONE s.timezone
                  AS starts) m`,
    );
    return facts && { ...facts, smsQuota: quota?.quota ?? null };
  }

  /**
   * Up to `limit` due pending deliveries, oldest first, locked until the transaction ends
   * (SKIP LOCKED: another job's are left to it), each with its quiet hours and switches read
   * again: they may have changed since it was written.
   */
  claimDue(limit: number): Promise<ClaimedDelivery[]> {
    return selectRows<ClaimedDelivery>(
      this.tenant.manager,
      `SELECT d.id, d.channel, d.idempotency_key AS key, d.attempts,
              p.user_id AS "userId", p.email AS "profileEmail", g.phone,
              n.category, n.title, n.body,
              quiet_hours_end(d.profile_id) AS "quietUntil",
              (NOT CASE d.channel WHEN 'email' THEN s.email_enabled ELSE s.sms_enabled END
               OR EXISTS (SELECT 1 FROM notification_preferences np
                           WHERE np.profile_id = d.profile_id AND np.category = n.category
                             AND np.channel = d.channel AND NOT np.enabled)) AS "switchedOff"
         FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id
         JOIN profiles p ON p.id = d.profile_id
         LEFT JOIN guardians g ON g.profile_id = d.profile_id
         CROSS JOIN school_settings s
        WHERE d.status = 'pending' AND d.not_before <= now()
        ORDER BY d.not_before, d.id
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED`,
      [limit],
    );
  }

  /** Which of these addresses opted out ('opted_out', 'bounced') or proved invalid. */
  async optOuts(channel: DeliveryChannel, addresses: string[]): Promise<Map<string, string>> {
    if (!addresses.length) return new Map();
    const rows = await selectRows<{ address: string; reason: string }>(
      this.tenant.manager,
      `SELECT address, reason FROM contact_opt_outs
        WHERE channel = $1 AND address = ANY($2::text[])`,
      [channel, addresses],
    );
    return new Map(rows.map((row) => [row.address, row.reason]));
  }

  /**
   * Records the batch's decisions in one statement, and the phone numbers found invalid in
   * `contact_opt_outs`. A mailed delivery is sent (its mail is in the outbox); an SMS about to
   * go is 'sending', its attempt counted, `not_before` the moment of the claim.
   */
  async decide(decisions: Decision[], invalidPhones: string[]): Promise<void> {
    if (!decisions.length) return;
    const status = { hold: 'pending', skip: 'skipped', mailed: 'sent', sending: 'sending' };
    await execute(
      this.tenant.manager,
      `WITH invalid AS (
         INSERT INTO contact_opt_outs (channel, address, reason)
         SELECT DISTINCT 'sms', unnest($6::text[]), 'invalid'
         ON CONFLICT (channel, address) DO NOTHING)
       UPDATE notification_deliveries d
          SET status = o.status,
              skip_reason = o.reason,
              address = coalesce(o.address, d.address),
              not_before = CASE o.status WHEN 'pending' THEN o.until
                                         WHEN 'sending' THEN now() ELSE d.not_before END,
              attempts = d.attempts + CASE WHEN o.status IN ('sent', 'sending') THEN 1 ELSE 0 END,
              sent_at = CASE WHEN o.status = 'sent' THEN now() END,
              provider_ref = CASE WHEN o.status = 'sent' THEN 'mail_outbox' END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
              AS o(id, status, reason, address, until)
        WHERE d.id = o.id AND d.status = 'pending'`,
      [
        decisions.map((d) => d.id),
        decisions.map((d) => status[d.kind]),
        decisions.map((d) => (d.kind === 'skip' ? d.reason : null)),
        decisions.map((d) => ('address' in d ? (d.address ?? null) : null)),
        decisions.map((d) => (d.kind === 'hold' ? d.until : null)),
        invalidPhones,
      ],
    );
  }

  /** The provider's answers for 'sending' SMS, in one statement. */
  async recordSmsResults(results: SmsResult[]): Promise<void> {
    if (!results.length) return;
    const status = { sent: 'sent', retry: 'pending', failed: 'failed' };
    await execute(
      this.tenant.manager,
      `UPDATE notification_deliveries d
          SET status = o.status,
              provider_ref = o.ref,
              sent_at = CASE WHEN o.status = 'sent' THEN now() END,
              last_error = CASE WHEN o.status = 'sent' THEN d.last_error ELSE o.error END,
              not_before = coalesce(o.until, d.not_before)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
              AS o(id, status, ref, error, until)
        WHERE d.id = o.id AND d.status = 'sending'`,
      [
        results.map((r) => r.id),
        results.map((r) => status[r.kind]),
        results.map((r) => (r.kind === 'sent' ? r.providerRef : null)),
        results.map((r) => (r.kind === 'sent' ? null : r.error.slice(0, 500))),
        results.map((r) => (r.kind === 'retry' ? r.notBefore : null)),
      ],
    );
  }
}
