import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { DatabaseNotifications, type OrganizationStatus } from '@schoolyard/database';
import { PlatformDatabase, type School, TenantTransactions } from '@schoolyard/tenancy';
import { unlinkAccounts } from './school-accounts';

interface AccountEvent {
  id: string;
  user_id: string;
  kind: 'deleted' | 'deactivated';
}

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
    private readonly requests: PlatformDatabase,
    private readonly transactions: TenantTransactions,
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
      const [event] = await this.claim();
      if (!event) return outcome;
      try {
        outcome.schoolsVisited += await this.process(event);
      } catch (error) {
        // Its claim lapses and a later sweep retries it; the events behind it go on now.
        this.logger.warn({ err: error }, 'account event not finished; retried later');
        outcome.failed += 1;
        continue;
      }
      await this.requests.query(
        `UPDATE public.account_events SET processed_at = now() WHERE id = $1`,
        [event.id],
      );
      outcome.events += 1;
    }
  }

  private claim(): Promise<AccountEvent[]> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count], not rows.
    return this.requests.query(
      `WITH claimed AS (
         UPDATE public.account_events SET claimed_until = now() + make_interval(secs => $1)
          WHERE id = (SELECT id FROM public.account_events
                       WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING id, user_id, kind)
       SELECT * FROM claimed`,
      [CLAIM_SECONDS],
    );
  }

  private async process(event: AccountEvent): Promise<number> {
    if (event.kind === 'deactivated') {
      await this.requests.query(
        `UPDATE public.auth_sessions SET revoked_at = now(), revoked_reason = 'account_deactivated'
          WHERE user_id = $1 AND revoked_at IS NULL`,
        [event.user_id],
      );
      return 0;
    }
    const schools: Array<School & { status: OrganizationStatus }> = await this.requests.query(
      `SELECT o.id, o.slug, o.name, o.status, o.schema_name AS "schemaName", o.db_role AS "dbRole"
         FROM public.school_memberships m JOIN public.organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1
        ORDER BY o.slug`,
      [event.user_id],
    );
    // A school that fails does not hold up the others; the event stays pending (and its claim
    // lapses) until every school is done.
    const failures: string[] = [];
    for (const school of schools) {
      try {
        await this.transactions.run(school, async (manager) => {
          await manager.query(
            `UPDATE profiles SET user_id = NULL, updated_at = now() WHERE user_id = $1`,
            [event.user_id],
          );
          await manager.query(`DELETE FROM user_roles WHERE user_id = $1`, [event.user_id]);
          // In the same transaction: the school's links and its membership row go together.
          await unlinkAccounts(manager, [event.user_id]);
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
