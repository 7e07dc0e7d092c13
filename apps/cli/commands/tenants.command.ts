import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { TenantMigrator } from '@schoolyard/tenancy';
import { parseSlugList } from './options';

interface MigrateOptions {
  concurrency: number;
  schools?: string[];
  json?: boolean;
}

@SubCommand({
  name: 'migrate',
  description:
    'Apply pending tenant migrations to every school, each school in its own transaction',
})
export class TenantsMigrateCommand extends CommandRunner {
  constructor(private readonly migrator: TenantMigrator) {
    super();
  }

  async run(_args: string[], options: MigrateOptions): Promise<void> {
    const json = options.json === true;
    const summary = await this.migrator.migrateFleet({
      concurrency: options.concurrency ?? 4,
      slugs: options.schools,
      onSchool: json
        ? undefined
        : (outcome, done, total) =>
            process.stdout.write(
              `[${done}/${total}] ${outcome.slug}: ${outcome.status}` +
                (outcome.status === 'failed' ? ` (${outcome.error})` : '') +
                '\n',
            ),
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        `latest ${summary.latest}: ${summary.migrated.length} migrated, ` +
          `${summary.current.length} already current, ${summary.failed.length} failed\n`,
      );
    }
    if (summary.failed.length > 0) process.exitCode = 1;
  }

  @Option({ flags: '-c, --concurrency <n>', description: 'schools migrated at once (default 4)' })
  parseConcurrency(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error('--concurrency must be 1-64');
    return n;
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

@Command({
  name: 'tenants',
  description: 'The fleet of schools',
  subCommands: [TenantsMigrateCommand],
})
export class TenantsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
