import { selectRow } from '@schoolyard/common';
import { type EntityManager } from 'typeorm';

export type NotificationCategory = 'announcement' | 'message' | 'attendance' | 'results' | 'fees';
export const NOTIFICATION_CATEGORIES: readonly NotificationCategory[] = [
  'announcement',
  'message',
  'attendance',
  'results',
  'fees',
];

/** Channels beyond the inbox, which every notification reaches. */
export type DeliveryChannel = 'email' | 'sms';

export interface NotificationBatch {
  /**
   * A SELECT answering the recipients' `profile_id`s. Its parameters are `parameters`,
   * numbered from $1; the writer's own follow them.
   */
  recipientsSql: string;
  parameters?: readonly unknown[];
  category: NotificationCategory;
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** Names what caused it: a person gets one notification per key, however often it is written. */
  sourceKey: string;
  /** Channels asked for besides in-app; each is used only when the school has it on. */
  channels: readonly DeliveryChannel[];
}

/**
 * Notices that differ by person in one statement (each student's result, to the student and
 * their guardians): `recipientsSql` answers, per row, `profile_id`, `source_key`, `title`,
 * `body` and `data` (jsonb). A person gets one notification per key.
 */
export interface PersonalNotificationBatch {
  perRecipient: true;
  recipientsSql: string;
  parameters?: readonly unknown[];
  category: NotificationCategory;
  channels: readonly DeliveryChannel[];
}

export interface NotificationsWritten {
  notified: number;
  deliveries: number;
}

/**
 * Writes one notification per recipient and, for each channel asked for that the school has on
 * and the person has not switched off for the category, one delivery under an idempotency key
 * (`<notification id>:<channel>`), held until the person's quiet hours end. One statement,
 * whatever the audience's size; a key already written is skipped, so a retried job or a
 * republished announcement notifies nobody twice. Deliveries are sent by the
 * `communication.deliveries` job: call `DeliveryQueue.wakeAfterCommit()` when any were written.
 */
export async function writeNotifications(
  manager: EntityManager,
  batch: NotificationBatch | PersonalNotificationBatch,
  /**
   * When the write is the transaction's last statement (a publication), its COMMIT travels in
   * the same write (TenantContext.finalQuery): one round trip fewer.
   */
  last?: { finalQuery<T>(sql: string, parameters?: unknown[]): Promise<T> },
): Promise<NotificationsWritten> {
  const parameters = [...(batch.parameters ?? [])];
  const at = (value: unknown) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  const category = at(batch.category);
  const channels = at(batch.channels);
  const recipients =
    'perRecipient' in batch
      ? `SELECT DISTINCT ON (profile_id, source_key) profile_id, source_key, title, body,
                data::jsonb AS data
           FROM (${batch.recipientsSql}) chosen`
      : `SELECT DISTINCT profile_id, ${at(batch.sourceKey)}::text AS source_key,
                ${at(batch.title)}::text AS title, ${at(batch.body)}::text AS body,
                ${at(JSON.stringify(batch.data ?? {}))}::jsonb AS data
           FROM (${batch.recipientsSql}) chosen`;
  const sql = `WITH recipients AS (${recipients}),
     written AS (
       INSERT INTO notifications (profile_id, category, title, body, data, source_key)
       SELECT profile_id, ${category}, title, body, data, source_key
         FROM recipients
       ON CONFLICT (profile_id, source_key) DO NOTHING
       RETURNING id, profile_id
     ), queued AS (
       INSERT INTO notification_deliveries (notification_id, profile_id, channel, idempotency_key,
                                            not_before)
       SELECT w.id, w.profile_id, c.channel, w.id || ':' || c.channel,
              coalesce(quiet_hours_end(w.profile_id), now())
         FROM written w
        CROSS JOIN unnest(${channels}::text[]) AS c (channel)
        CROSS JOIN school_settings s
        WHERE ((c.channel = 'email' AND s.email_enabled) OR (c.channel = 'sms' AND s.sms_enabled))
          AND NOT EXISTS (
                SELECT 1 FROM notification_preferences p
                 WHERE p.profile_id = w.profile_id AND p.category = ${category}
                   AND p.channel = c.channel AND NOT p.enabled)
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM written) AS notified, (SELECT count(*) FROM queued) AS deliveries`;
  type Counts = { notified: string; deliveries: string };
  const row = last
    ? (await last.finalQuery<Counts[]>(sql, parameters))[0]
    : await selectRow<Counts>(manager, sql, parameters);
  return { notified: Number(row?.notified ?? 0), deliveries: Number(row?.deliveries ?? 0) };
}
