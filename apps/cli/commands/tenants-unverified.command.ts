import { Inject } from '@nestjs/common';
import { UnverifiedSchools } from '@schoolyard/fleet';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliOutput } from '../cli-output';

/**
 * Run by hand or on a schedule: schools whose owner has not proved their email within the
 * grace period are suspended (see UnverifiedSchools). `tenants list --unverified` shows them.
 */
@SubCommand({
  name: 'suspend-unverified',
  description:
    'Suspend every school whose owner has not verified their email within UNVERIFIED_SCHOOL_SUSPEND_DAYS',
})
export class TenantsSuspendUnverifiedCommand extends CommandRunner {
  constructor(
    private readonly unverified: UnverifiedSchools,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: { dryRun?: boolean; json?: boolean }): Promise<void> {
    const quiet = options.json === true;
    const outcome = await this.unverified.suspendOverdue({
      dryRun: options.dryRun,
      onSuspended: (slug) => {
        if (!quiet) this.output.line(`${slug}: active → suspended`);
      },
    });
    if (options.json) return this.output.json(outcome);
    if (outcome.days === 0) {
      this.output.line(
        'UNVERIFIED_SCHOOL_SUSPEND_DAYS is 0: unverified schools are never suspended',
      );
      return;
    }
    if (outcome.dryRun) {
      for (const school of outcome.due) {
        this.output.line(`${school.slug}: would be suspended (${school.ageDays} days old)`);
      }
      this.output.line(
        `dry run: ${outcome.due.length} schools unverified for more than ${outcome.days} days would be suspended`,
      );
      return;
    }
    this.output.line(
      `suspended ${outcome.suspended.length} of ${outcome.due.length} schools unverified for more than ${outcome.days} days`,
    );
  }

  @Option({
    flags: '--dry-run',
    description: 'list the schools that would be suspended, change nothing',
  })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}
