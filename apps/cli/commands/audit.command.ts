import { SoftLinkAudit } from '@schoolyard/people';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { parseSlugList } from './options';

interface OrphanOptions {
  fix?: boolean;
  json?: boolean;
  schools?: string[];
}

@SubCommand({
  name: 'orphans',
  description:
    'Soft links to global accounts that no longer exist (profiles, role assignments, memberships); exits 1 when any are found',
})
export class AuditOrphansCommand extends CommandRunner {
  constructor(private readonly audit: SoftLinkAudit) {
    super();
  }

  async run(_args: string[], options: OrphanOptions): Promise<void> {
    const progress = !options.json && process.stderr.isTTY;
    const report = await this.audit.orphans({
      fix: options.fix === true,
      slugs: options.schools,
      onSchool: progress
        ? (done, total) => process.stderr.write(`\rchecked ${done}/${total} schools`)
        : undefined,
    });
    if (progress) process.stderr.write('\n');
    if (options.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } else {
      for (const orphan of report.orphans) {
        process.stdout.write(
          `${orphan.school}: ${orphan.kind} ${orphan.id} points at missing account ${orphan.userId}` +
            (report.fixed ? ' (fixed)\n' : '\n'),
        );
      }
      process.stdout.write(
        `${report.schoolsChecked} schools checked, ${report.orphans.length} orphaned links` +
          (report.fixed && report.orphans.length ? ', all repaired\n' : '\n'),
      );
    }
    if (report.orphans.length) process.exitCode = 1;
  }

  @Option({ flags: '--fix', description: 'unlink the profiles, remove the assignments' })
  parseFix(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }

  @Option({ flags: '-s, --schools <slugs>', description: 'only these schools (comma-separated)' })
  parseSchools(value: string): string[] {
    return parseSlugList(value);
  }
}

@SubCommand({
  name: 'unlinked',
  description: 'Profiles without an account (not activated yet); exits 1 when any are found',
})
export class AuditUnlinkedCommand extends CommandRunner {
  constructor(private readonly audit: SoftLinkAudit) {
    super();
  }

  async run(_args: string[], options: { school?: string; json?: boolean }): Promise<void> {
    const found = await this.audit.unlinked(options.school ? [options.school] : undefined);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(found)}\n`);
    } else {
      for (const person of found) {
        process.stdout.write(
          `${person.school}: ${person.kind} ${person.name} (${person.profileId})\n`,
        );
      }
      process.stdout.write(`${found.length} profiles without an account\n`);
    }
    if (found.length) process.exitCode = 1;
  }

  @Option({ flags: '--school <slug>', description: 'only this school' })
  parseSchool(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

@Command({
  name: 'audit',
  description: 'Integrity checks across schools',
  subCommands: [AuditOrphansCommand, AuditUnlinkedCommand],
})
export class AuditCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
