import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@schoolyard/tenancy';
import {
  emailAddressOf,
  MAX_ATTEMPTS,
  phoneNumberOf,
  retryDelaySeconds,
  smsTextOf,
} from './deliveries.addresses';
import {
  type DeliveringSchool,
  DeliveriesPlatformRepository,
  type NotificationMail,
  SENDING_STALE_MINUTES,
} from './deliveries.platform';
import {
  type ClaimedDelivery,
  type Decision,
  DeliveriesRepository,
  type SmsResult,
} from './deliveries.repository';
import { type OutgoingSms, SmsProvider, SmsSendError } from './sms/sms-provider';

/** Deliveries claimed per school transaction. */
const BATCH = 200;

export interface DeliveriesOutcome {
  mailed: number;
  texted: number;
  held: number;
  skipped: number;
  failed: number;
}

interface DecidedBatch {
  claimed: number;
  outcome: DeliveriesOutcome;
  texts: Array<OutgoingSms & { id: string; attempts: number }>;
}

/**
 * The `communication.deliveries` job: one school's due deliveries, a batch per school
 * transaction, until none is left. In each batch:
 *
 * 1. claim due pending deliveries (locked) and decide each again: held on by quiet hours
 *    (`not_before` moves to their end), skipped (channel switched off, no address, opted out,
 *    invalid number, SMS allowance spent), mailed, or texted;
 * 2. write the mails in a platform transaction that commits at once, each deduplicated by its
 *    delivery's key; then, in the school's transaction, record every decision (SMS about to
 *    go become 'sending') and commit;
 * 3. call the SMS provider for each 'sending' one, with its key, and record the answers in a
 *    second school transaction: sent, retried later, or failed.
 *
 * A crash before 2 commits changes nothing; between the mails' commit and the school's, the
 * retry's mails are refused by their keys; after it, a 'sending' SMS is never claimed again:
 * one left for over ten minutes is marked failed, not resent. So nothing goes twice.
 */
@Injectable()
export class NotificationDeliveries {
  private readonly logger = new Logger('Deliveries');

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly deliveries: DeliveriesRepository,
    private readonly platform: DeliveriesPlatformRepository,
    private readonly sms: SmsProvider,
  ) {}

  /** Throws when a batch fails, so that the job is retried; done batches stay done. */
  async deliver(schoolId: string): Promise<DeliveriesOutcome> {
    const outcome: DeliveriesOutcome = { mailed: 0, texted: 0, held: 0, skipped: 0, failed: 0 };
    const school = await this.platform.school(schoolId);
    // A suspended school's deliveries wait for it; an archived one's are never sent.
    if (!school || school.status !== 'active') return outcome;
    await this.transactions.run(school, () =>
      this.deliveries.failInterrupted(SENDING_STALE_MINUTES),
    );
    for (;;) {
      const batch = await this.transactions.run(school, () => this.decideBatch(school));
      const results = await this.sendTexts(batch.texts);
      if (results.length) {
        await this.transactions.run(school, () => this.deliveries.recordSmsResults(results));
      }
      for (const key of Object.keys(outcome) as Array<keyof DeliveriesOutcome>) {
        outcome[key] += batch.outcome[key];
      }
      outcome.texted += results.filter((r) => r.kind === 'sent').length;
      outcome.failed += results.filter((r) => r.kind === 'failed').length;
      if (batch.claimed < BATCH) return outcome;
    }
  }

  private async decideBatch(school: DeliveringSchool): Promise<DecidedBatch> {
    const outcome: DeliveriesOutcome = { mailed: 0, texted: 0, held: 0, skipped: 0, failed: 0 };
    const claimed = await this.deliveries.claimDue(BATCH);
    if (!claimed.length) return { claimed: 0, outcome, texts: [] };
    const facts = (await this.deliveries.facts())!;
    const decisions: Decision[] = [];
    const invalidPhones: string[] = [];
    const now = Date.now();
    const live = claimed.filter((delivery) => {
      if (delivery.quietUntil && new Date(delivery.quietUntil).getTime() > now) {
        decisions.push({ id: delivery.id, kind: 'hold', until: new Date(delivery.quietUntil) });
        return false;
      }
      if (delivery.switchedOff) {
        decisions.push({ id: delivery.id, kind: 'skip', reason: 'channel_off' });
        return false;
      }
      return true;
    });
    const addresses = await this.addressesOf(live);
    const optOuts = {
      email: await this.deliveries.optOuts('email', addressesIn(live, addresses, 'email')),
      sms: await this.deliveries.optOuts('sms', addressesIn(live, addresses, 'sms')),
    };
    const mails: NotificationMail[] = [];
    const texts: DecidedBatch['texts'] = [];
    let smsLeft = facts.smsQuota === null ? Infinity : facts.smsQuota - facts.smsUsed;
    for (const delivery of live) {
      const address = addresses.get(delivery.id);
      const skip = (reason: Extract<Decision, { kind: 'skip' }>['reason']) =>
        decisions.push({ id: delivery.id, kind: 'skip', reason, address: address ?? undefined });
      if (address === undefined) {
        skip('no_address');
      } else if (address === null) {
        invalidPhones.push(delivery.phone!.trim());
        skip('invalid_address');
      } else if (optOuts[delivery.channel].has(address)) {
        skip(
          optOuts[delivery.channel].get(address) === 'invalid' ? 'invalid_address' : 'opted_out',
        );
      } else if (delivery.channel === 'email') {
        if (!school.host) skip('no_address');
        else {
          mails.push({
            key: delivery.key,
            to: address,
            title: delivery.title,
            body: delivery.body,
          });
          decisions.push({ id: delivery.id, kind: 'mailed', address });
        }
      } else if (smsLeft <= 0) {
        skip('quota');
      } else {
        smsLeft -= 1;
        decisions.push({ id: delivery.id, kind: 'sending', address });
        texts.push({
          id: delivery.id,
          attempts: delivery.attempts + 1,
          to: address,
          text: smsTextOf(facts.schoolName, delivery.title, delivery.body),
          idempotencyKey: delivery.key,
        });
      }
    }
    await this.platform.queueMails(school, facts, mails);
    await this.deliveries.decide(decisions, invalidPhones);
    outcome.mailed = mails.length;
    outcome.held = decisions.filter((d) => d.kind === 'hold').length;
    outcome.skipped = decisions.filter((d) => d.kind === 'skip').length;
    return { claimed: claimed.length, outcome, texts };
  }

  /**
   * Each live delivery's address: a string to use, null for a phone number that is not one
   * (recorded as invalid), absent when the person has none. Email: the account's verified
   * address, else the profile's; SMS: the guardian's phone.
   */
  private async addressesOf(live: ClaimedDelivery[]): Promise<Map<string, string | null>> {
    const accounts = live.filter((d) => d.channel === 'email' && d.userId).map((d) => d.userId!);
    const verified = await this.platform.verifiedEmails([...new Set(accounts)]);
    const addresses = new Map<string, string | null>();
    for (const delivery of live) {
      if (delivery.channel === 'email') {
        const email =
          emailAddressOf(delivery.userId ? verified.get(delivery.userId) : null) ??
          emailAddressOf(delivery.profileEmail);
        if (email) addresses.set(delivery.id, email);
      } else if (delivery.phone?.trim()) {
        addresses.set(delivery.id, phoneNumberOf(delivery.phone));
      }
    }
    return addresses;
  }

  /** One provider call per message (no batch API to rely on); the SQL around them is not per row. */
  private async sendTexts(texts: DecidedBatch['texts']): Promise<SmsResult[]> {
    const results: SmsResult[] = [];
    for (const { id, attempts, ...message } of texts) {
      try {
        const sent = await this.sms.send(message);
        results.push({ id, kind: 'sent', providerRef: sent.providerRef });
      } catch (error) {
        const permanent = error instanceof SmsSendError && error.kind === 'permanent';
        const reason = error instanceof Error ? error.message : 'SMS provider failed';
        this.logger.warn({ deliveryId: id, attempts, reason }, 'text message not sent');
        results.push(
          permanent || attempts >= MAX_ATTEMPTS
            ? { id, kind: 'failed', error: reason }
            : {
                id,
                kind: 'retry',
                error: reason,
                notBefore: new Date(Date.now() + retryDelaySeconds(attempts) * 1000),
              },
        );
      }
    }
    return results;
  }
}

function addressesIn(
  live: ClaimedDelivery[],
  addresses: Map<string, string | null>,
  channel: ClaimedDelivery['channel'],
): string[] {
  return live.filter((d) => d.channel === channel).flatMap((d) => addresses.get(d.id) ?? []);
}
