import { Inject } from '@nestjs/common';
import { SoftLinkAudit } from '@schoolyard/people';
import { CommandGroup } from './command-group';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliOutput } from '../cli-output';
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
  constructor(
    private readonly audit: SoftLinkAudit,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: OrphanOptions): Promise<void> {
    let progress: ReturnType<CliOutput['progress']> | undefined;
    const report = await this.audit.orphans({
      fix: options.fix === true,
      slugs: options.schools,
      onSchool: options.json
        ? undefined
        : (_done, total) => {
            progress ??= this.output.progress(total, 'auditing');
            progress?.tick('');
          },
    });
    progress?.stop();
    if (options.json) {
      this.output.json(report);
    } else {
      for (const orphan of report.orphans) {
        this.output.line(
          `${orphan.school}: ${orphan.kind} ${orphan.id} points at missing account ${orphan.userId}` +
            (report.fixed ? ' (fixed)' : ''),
        );
      }
      this.output.line(
        `${report.schoolsChecked} schools checked, ${report.orphans.length} orphaned links` +
          (report.fixed && report.orphans.length ? ', all repaired' : ''),
      );
    }
    if (report.orphans.length) this.output.fail(1);
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
  constructor(
    private readonly audit: SoftLinkAudit,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: { school?: string; json?: boolean }): Promise<void> {
    const found = await this.audit.unlinked(options.school ? [options.school] : undefined);
    if (options.json) {
      this.output.json(found);
    } else {
      for (const person of found) {
        this.output.line(`${person.school}: ${person.kind} ${person.name} (${person.profileId})`);
      }
      this.output.line(`${found.length} profiles without an account`);
    }
    if (found.length) this.output.fail(1);
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
export class AuditCommand extends CommandGroup {}
