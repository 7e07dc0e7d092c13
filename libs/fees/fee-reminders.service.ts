import { Injectable } from '@nestjs/common';
import { DeliveryQueue } from '@schoolyard/communication';
import { type FeeRemindersView } from './dto/reminders.dto';
import { FeeRemindersRepository } from './fee-reminders.repository';

/**
 * Reminds families of what is overdue: each student with an overdue invoice and each of their
 * guardians gets a notice in the app (and by mail where they have not switched fee mail off),
 * at most one per invoice and day however often the office sends them.
 */
@Injectable()
export class FeeRemindersService {
  constructor(
    private readonly reminders: FeeRemindersRepository,
    private readonly deliveries: DeliveryQueue,
  ) {}

  async send(): Promise<FeeRemindersView> {
    const invoices = await this.reminders.overdueInvoices();
    const written = await this.reminders.notifyOverdue();
    if (written.deliveries > 0) this.deliveries.wakeAfterCommit();
    return { invoices, notified: written.notified, deliveries: written.deliveries };
  }
}
