import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@schoolyard/tenancy';
import { type AccountEvent, AccountCascadeRepository } from './account-cascade.repository';
import { SchoolAccountsRepository } from './school-accounts.repository';
import { SoftLinksRepository } from './soft-links.repository';

export interface CascadeOutcome {
  events: number;
  failed: number;
  schoolsVisited: number;
}

/** A run that stops midway (crash, deploy) leaves its claim to lapse, then another run retries. */
const CLAIM_SECONDS = 120;

/**
 * Follows a global account's deletion or deactivation into the schools. The database records
 * the event in `account_events` in the same transaction as the change (a trigger), whoever
 * made it, and NOTIFYs; this service then works school by school through the memberships:
 *
 * - deleted: every profile linked to it is unlinked and its role assignments are removed;
 *   each school is its own transaction, and its membership row goes once it is done;
 * - deactivated: its sessions end everywhere at once; school data stays, so reactivating the
 *   account gives back what it had.
 *
 * The event is marked processed only when every school is done, so a crash midway leaves the
 * remaining schools to the next run (every step can run twice without harm). `audit orphans`
 * is the safety net, not the plan.
 *
 * In the background each event is a job (`accounts.cascade`, see AccountCascadeDispatcher),
 * retried with back-off; `processPending` works every unclaimed event at once, for a caller
 * that wants them done now.
 */
@Injectable()
export class AccountCascade {
  private running: Promise<CascadeOutcome> | undefined;

  constructor(
    private readonly cascade: AccountCascadeRepository,
    private readonly transactions: TenantTransactions,
    private readonly schoolAccounts: SchoolAccountsRepository,
    private readonly softLinks: SoftLinksRepository,
  ) {}

  /**
   * One event, as its job: done unless it is already. Throws when a school could not be
   * done, so that the job is retried; each step can run twice without harm.
   */
  async processEvent(eventId: string): Promise<number> {
    const event = await this.cascade.pendingEvent(eventId);
    if (!event) return 0;
    const schools = await this.process(event);
    await this.cascade.markProcessed(event.id);
    return schools;
  }

  /** Processes every pending unclaimed event; concurrent calls share one run. */
  processPending(): Promise<CascadeOutcome> {
    if (this.running) return this.running;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<CascadeOutcome> {
    const outcome: CascadeOutcome = { events: 0, failed: 0, schoolsVisited: 0 };
    for (;;) {
      const event = await this.cascade.claimEvent(CLAIM_SECONDS);
      if (!event) return outcome;
      try {
        outcome.schoolsVisited += await this.process(event);
      } catch {
        // Its claim lapses and a later run retries it; the events behind it go on now.
        outcome.failed += 1;
        continue;
      }
      await this.cascade.markProcessed(event.id);
      outcome.events += 1;
    }
  }

  private async process(event: AccountEvent): Promise<number> {
    if (event.kind === 'deactivated') {
      await this.cascade.revokeSessions(event.user_id);
      return 0;
    }
    const schools = await this.cascade.schoolsOf(event.user_id);
    // A school that fails does not hold up the others; the event stays pending (and its claim
    // lapses) until every school is done.
    const failures: string[] = [];
    for (const school of schools) {
      try {
        await this.transactions.run(school, async (manager) => {
          await this.softLinks.forgetAccounts(manager, [event.user_id]);
          // In the same transaction: the school's links and its membership row go together.
          await this.schoolAccounts.unlinkAccounts(manager, [event.user_id]);
        });
      } catch (error) {
        failures.push(`${school.slug}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length) {
      throw new Error(`account ${event.user_id} is still linked in ${failures.join('; ')}`);
    }
    return schools.length;
  }
}
