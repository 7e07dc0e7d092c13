import { Injectable } from '@nestjs/common';
import { dayInWords } from '@schoolyard/mail';
import { TenantTransactions } from '@schoolyard/tenancy';
import {
  type AlertingSchool,
  AbsenceAlertsPlatformRepository,
} from './absence-alerts-platform.repository';
import {
  type AlertNotice,
  AbsenceAlertsRepository,
  type ClaimedAlert,
} from './absence-alerts.repository';

/** Alerts claimed per school transaction. */
const BATCH = 100;

export interface AlertsOutcome {
  sent: number;
  cancelled: number;
}

/**
 * The `attendance.alerts` job: sends one school's pending alerts, a batch per school
 * transaction, until none is left. In each batch, in this order:
 *
 * 1. claim pending alerts (locked) and check each against the registers again; an absence
 *    corrected or excused since, or a guardian unlinked since, cancels its alert;
 * 2. write the mails (guardians with a verified email) in a platform transaction that
 *    commits at once, each deduplicated by the alert's key;
 * 3. write the in-app notifications and mark the alerts sent, in the school's transaction,
 *    which then commits.
 *
 * A crash before 2 commits sends nothing; between 2 and 3 the retry claims the same alerts,
 * its mails are refused by their keys and the notifications are written once, with the mark;
 * after 3 nothing is pending. So neither a mail nor a notification goes twice.
 */
@Injectable()
export class AbsenceAlertsDelivery {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly alerts: AbsenceAlertsRepository,
    private readonly platform: AbsenceAlertsPlatformRepository,
  ) {}

  /** Throws when a batch fails, so that the job is retried; done batches stay done. */
  async deliver(schoolId: string): Promise<AlertsOutcome> {
    const outcome: AlertsOutcome = { sent: 0, cancelled: 0 };
    const school = await this.platform.school(schoolId);
    // A suspended school's alerts wait (the sweep sends them once it is active again); an
    // archived or dropped school's are never sent.
    if (!school || school.status !== 'active') return outcome;
    for (;;) {
      const batch = await this.transactions.run(school, () => this.sendBatch(school));
      outcome.sent += batch.sent;
      outcome.cancelled += batch.cancelled;
      if (batch.sent + batch.cancelled < BATCH) return outcome;
    }
  }

  private async sendBatch(school: AlertingSchool): Promise<AlertsOutcome> {
    const claimed = await this.alerts.claimPending(BATCH);
    const due = claimed.filter((alert) => alert.stillDue);
    await this.alerts.cancel(claimed.filter((alert) => !alert.stillDue).map((alert) => alert.id));
    await this.platform.queueMails(
      school,
      due.map((alert) => ({
        alertId: alert.id,
        userId: alert.guardianUserId!,
        studentName: alert.studentName,
        date: alert.onDate,
      })),
    );
    await this.alerts.notifyAndMarkSent(due.map(noticeOf));
    return { sent: due.length, cancelled: claimed.length - due.length };
  }
}

/** The in-app words of an alert: the child and the school's local date. */
export function noticeOf(alert: ClaimedAlert): AlertNotice {
  const day = dayInWords(alert.onDate);
  return {
    alertId: alert.id,
    title: `${alert.studentName} was absent on ${day}`,
    body:
      `${alert.studentName} was marked absent on ${day}, and the school has no approved ` +
      'absence note for that day. If you know why, you can send one from your child’s page.',
  };
}
