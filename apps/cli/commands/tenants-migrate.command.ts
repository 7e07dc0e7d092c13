import { Inject } from '@nestjs/common';
import {
  DEFAULT_MIGRATION_CONCURRENCY,
  type FleetSummary,
  TenantMigrator,
} from '@schoolyard/fleet';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { CLI_OWNER_POOL_SIZE } from '../cli-limits';
import { cliActor } from '../cli-actor';
import { CliOutput, type Progress } from '../cli-output';
import { parseCount, parseSlugList } from './options';

interface MigrateOptions {
  concurrency?: number;
  schools?: string[];
  dryRun?: boolean;
  json?: boolean;
}

@SubCommand({
  name: 'migrate',
  description:
    'Apply pending tenant migrations to every active or suspended school, each school in its own transaction; exits 1 if any school failed',
})
export class TenantsMigrateCommand extends CommandRunner {
  constructor(
    private readonly migrator: TenantMigrator,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: MigrateOptions): Promise<void> {
    if (options.schools) await this.refuseUnknown(options.schools);
    if (options.dryRun) return this.dryRun(options);
    const json = options.json === true;
    const shown: { bar: Progress | null } = { bar: null };
    const started = Date.now();
    const summary = await this.migrator.migrateFleet({
      concurrency: options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY,
      actor: cliActor(),
      slugs: options.schools,
      onPlan: (total) => {
        if (!json) shown.bar = this.output.progress(total, 'migrating');
      },
      onSchool: (outcome, done, total) => {
        if (json) return;
        if (shown.bar) return shown.bar.tick(outcome.slug);
        const why =
          outcome.status === 'failed'
            ? ` (${outcome.error})`
            : outcome.status === 'skipped'
              ? ` (${outcome.reason})`
              : '';
        this.output.line(`[${done}/${total}] ${outcome.slug}: ${outcome.status}${why}`);
      },
    });
    shown.bar?.stop();
    const seconds = (Date.now() - started) / 1000;
    if (json) this.output.json({ ...summary, seconds });
    else this.printSummary(summary, seconds);
    if (summary.failed.length > 0) this.output.fail(1);
  }

  /** A mistyped slug must not pass for "nothing to do". */
  private async refuseUnknown(slugs: string[]): Promise<void> {
    const unknown = await this.migrator.ledger.unknownSlugs(slugs);
    if (unknown.length) throw new Error(`no school has the slug ${unknown.join(', ')}`);
  }

  private printSummary(summary: FleetSummary, seconds: number): void {
    for (const failure of summary.failed) {
      this.output.line(`failed: ${failure.slug}: ${failure.error}`);
    }
    this.output.line(
      `latest ${summary.latest}: ${summary.migrated.length} migrated, ` +
        `${summary.current.length} already current, ${summary.skipped.length} skipped, ` +
        `${summary.failed.length} failed ` +
        `(${seconds.toFixed(1)} s)`,
    );
  }

  private async dryRun(options: MigrateOptions): Promise<void> {
    const planned = await this.migrator.ledger.plan(options.schools);
    if (options.json) {
      this.output.json({ latest: this.migrator.latest, dryRun: true, schools: planned });
      return;
    }
    for (const school of planned) {
      const work = school.pending.length ? school.pending : ['permission catalog'];
      const previous = school.state === 'failed' ? ` (failed before: ${school.lastError})` : '';
      this.output.line(`${school.slug}: would apply ${work.join(', ')}${previous}`);
    }
    this.output.line(
      `latest ${this.migrator.latest}: ${planned.length} schools would be migrated (dry run, nothing changed)`,
    );
  }

  @Option({
    flags: '-c, --concurrency <n>',
    description: `schools migrated at once, 1-${CLI_OWNER_POOL_SIZE} (default ${DEFAULT_MIGRATION_CONCURRENCY})`,
  })
  parseConcurrency(value: string): number {
    return parseCount(value, 1, CLI_OWNER_POOL_SIZE);
  }

  @Option({ flags: '-s, --schools <slugs>', description: 'only these schools (comma-separated)' })
  parseSchools(value: string): string[] {
    return parseSlugList(value);
  }

  @Option({ flags: '--dry-run', description: 'say what would be migrated, change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

@SubCommand({
  name: 'status',
  description:
    "Each school's tenant migration against this build's latest, and the fleet summary; exits 1 if any school is behind or failed",
})
export class TenantsStatusCommand extends CommandRunner {
  constructor(
    private readonly migrator: TenantMigrator,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: { schools?: string[]; json?: boolean }): Promise<void> {
    const status = await this.migrator.ledger.status(options.schools);
    const { summary } = status;
    if (options.json) {
      this.output.json(status);
    } else {
      for (const school of status.schools) {
        const where =
          school.behind < 0
            ? 'ahead of this build'
            : school.behind > 0
              ? `${school.behind} behind`
              : school.atThisRelease
                ? 'current'
                : 'not at this release';
        this.output.line(
          `${school.slug} [${school.status}] ${school.lastMigration ?? '(none)'}: ` +
            `${school.state === 'failed' ? `FAILED (${school.lastError}), ` : ''}${where}`,
        );
      }
      this.output.line(
        `latest ${status.latest}: ${summary.total} schools, ${summary.current} current, ` +
          `${summary.behind} behind, ${summary.failed} failed, ${summary.ahead} ahead, ` +
          `${summary.archived} archived`,
      );
    }
    if (summary.behind > 0 || summary.failed > 0) this.output.fail(1);
  }

  @Option({ flags: '-s, --schools <slugs>', description: 'only these schools (comma-separated)' })
  parseSchools(value: string): string[] {
    return parseSlugList(value);
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}
