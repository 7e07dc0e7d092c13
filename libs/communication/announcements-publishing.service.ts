import { Injectable } from '@nestjs/common';
import { TenantContext } from '@schoolyard/tenancy';
import { smsQuotaReached } from './announcements.errors';
import {
  type FanOut,
  AnnouncementsPublishingRepository,
} from './announcements-publishing.repository';
import { DeliveryQueue } from './delivery-queue';
import { writeNotifications } from './notifications-writer';

/**
 * Publishes announcements in the current school transaction: a request's when one is due at
 * once, a job's for scheduled ones. Three statements per announcement whatever its audience:
 * the fan-out, the notifications with their deliveries, and nothing more.
 */
@Injectable()
export class AnnouncementPublisher {
  constructor(
    private readonly publishing: AnnouncementsPublishingRepository,
    private readonly tenant: TenantContext,
    private readonly deliveries: DeliveryQueue,
  ) {}

  /**
   * Publishes this unpublished announcement now. Its SMS must fit the month's allowance, or
   * 402 and nothing is written (the request's transaction rolls back).
   */
  async publish(id: string, sms: boolean): Promise<FanOut | undefined> {
    const fanOut = await this.publishing.fanOut({ id, smsQuota: await this.quota(sms) });
    if (fanOut?.overQuota) throw refusal(fanOut);
    if (fanOut) await this.notify(fanOut);
    return fanOut;
  }

  /** A scheduled announcement's SMS must fit the allowance now, when it is written. */
  async checkAllowance(id: string, sms: boolean): Promise<void> {
    const fanOut = await this.publishing.fanOut({
      id,
      dryRun: true,
      smsQuota: await this.quota(sms),
    });
    if (fanOut?.overQuota) throw refusal(fanOut);
  }

  /**
   * Publishes the earliest due announcement no other transaction holds; answers it, or
   * undefined when none is left. Nobody waits for a job's answer, so one whose SMS no longer
   * fit is published in the app and by email, and its channels say so.
   */
  async publishNextDue(): Promise<FanOut | undefined> {
    const fanOut = await this.publishing.fanOut({
      dropSmsOverQuota: true,
      smsQuota: await this.quota(true),
    });
    if (fanOut) await this.notify(fanOut);
    return fanOut;
  }

  /** Read only when SMS may be sent: an announcement without SMS costs no statement for it. */
  private async quota(sms: boolean): Promise<number | null> {
    return sms ? this.publishing.smsQuota() : null;
  }

  private async notify(fanOut: FanOut): Promise<void> {
    const written = await writeNotifications(this.tenant.manager, {
      recipientsSql: 'SELECT profile_id FROM announcement_recipients WHERE announcement_id = $1',
      parameters: [fanOut.id],
      category: 'announcement',
      title: fanOut.title,
      body: fanOut.body,
      data: { announcementId: fanOut.id },
      sourceKey: `announcement:${fanOut.id}`,
      channels: fanOut.channels,
    });
    if (written.deliveries > 0) this.deliveries.wakeAfterCommit();
  }
}

const refusal = (fanOut: FanOut) =>
  smsQuotaReached(fanOut.smsLimit ?? 0, fanOut.smsUsed, fanOut.smsNeeded);
