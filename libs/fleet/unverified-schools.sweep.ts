import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { UnverifiedSchools } from './unverified-schools.service';

const HOUR_MS = 60 * 60 * 1000;

/**
 * Suspends overdue unverified schools once an hour on worker processes, so an operator need
 * not remember `tenants suspend-unverified`. The first sweep waits an hour after start: a
 * grace period counted in days loses nothing, and a fleet of instances restarted together
 * does not sweep at once. Running it on several workers is harmless (each school changes
 * state once).
 */
@Injectable()
export class UnverifiedSchoolsSweep implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('UnverifiedSchools');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly schools: UnverifiedSchools,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.jobs.worker || this.config.accounts.unverifiedSchoolSuspendDays === 0) return;
    this.timer = setInterval(() => void this.sweep(), HOUR_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<string[]> {
    try {
      const { suspended } = await this.schools.suspendOverdue();
      if (suspended.length) {
        this.logger.warn(
          `Suspended ${suspended.length} school(s) whose owner never verified their email: ${suspended.join(', ')}`,
        );
      }
      return suspended;
    } catch (error) {
      // The next sweep tries again; a failing one must not take the process down.
      this.logger.error(`Sweep of unverified schools failed: ${(error as Error).message}`);
      return [];
    }
  }
}
