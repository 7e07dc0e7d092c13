import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DatabaseNotifications } from '@schoolyard/database';
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
const SWEEP_INTERVAL_MS = 30_000;

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
 */
@Injectable()
export class AccountCascade implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AccountCascade.name);
  private running: Promise<CascadeOutcome> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cascade: AccountCascadeRepository,
    private readonly transactions: TenantTransactions,
    private readonly schoolAccounts: SchoolAccountsRepository,
    private readonly softLinks: SoftLinksRepository,
    notifications: DatabaseNotifications,
  ) {
    notifications.subscribe(
      'account_events',
      () => this.kick(),
      () => undefined,
    );
  }

  onApplicationBootstrap(): void {
    this.kick();
    this.timer = setInterval(() => this.kick(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Processes every pending event; concurrent calls share one run. */
  processPending(): Promise<CascadeOutcome> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
    return this.running;
  }

  private kick(): void {
    this.processPending().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'account cascade failed; the next sweep retries'),
    );
  }

  private async drain(): Promise<CascadeOutcome> {
    const outcome: CascadeOutcome = { events: 0, failed: 0, schoolsVisited: 0 };
    for (;;) {
      const event = await this.cascade.claimEvent(CLAIM_SECONDS);
      if (!event) return outcome;
      try {
        outcome.schoolsVisited += await this.process(event);
      } catch (error) {
        // Its claim lapses and a later sweep retries it; the events behind it go on now.
        this.logger.warn({ err: error }, 'account event not finished; retried later');
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
