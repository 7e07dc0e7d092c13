import { Inject } from '@nestjs/common';
import { SchoolBackup, SchoolRestore } from '@schoolyard/fleet';
import { SoftLinkAudit } from '@schoolyard/people';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { userInfo } from 'node:os';
import { CliOutput, type Progress } from '../cli-output';

/** Who ran the command, for the platform audit trail. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

@SubCommand({
  name: 'backup',
  arguments: '<slug>',
  description:
    'Write one school (its tables, platform rows and accounts) to an encrypted archive (see docs/BACKUP.md)',
})
export class TenantsBackupCommand extends CommandRunner {
  constructor(
    private readonly backups: SchoolBackup,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run([slug]: string[], options: { out?: string; json?: boolean }): Promise<void> {
    let progress: Progress | null = null;
    const summary = await this.backups.backup(slug, {
      out: options.out,
      actor: cliActor(),
      onPlan: (tables) => (progress = this.output.progress(tables, 'backing up')),
      onTable: (name) => progress?.tick(name),
    });
    (progress as Progress | null)?.stop();
    if (options.json) return this.output.json(summary);
    this.output.line(
      `backed up ${slug} to ${summary.file}: ${summary.tables} tables, ${summary.rows} rows, ` +
        `${summary.bytes} bytes, at ${summary.schemaVersion} in ${summary.seconds} s`,
    );
  }

  @Option({
    flags: '--out <file>',
    description: 'the archive to write (default: <slug>-<UTC time>.sybk here)',
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

interface RestoreCliOptions {
  from?: string;
  as?: string;
  replace?: boolean;
  json?: boolean;
}

@SubCommand({
  name: 'restore',
  arguments: '<slug>',
  description:
    'Bring a school back from its archive, as <slug> or --as another; --replace moves a school of that slug aside (archived)',
})
export class TenantsRestoreCommand extends CommandRunner {
  constructor(
    private readonly restores: SchoolRestore,
    private readonly softLinks: SoftLinkAudit,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run([slug]: string[], options: RestoreCliOptions): Promise<void> {
    let progress: Progress | null = null;
    const restored = await this.restores.restore(slug, {
      from: options.from ?? '',
      as: options.as,
      replace: options.replace,
      actor: cliActor(),
      onTable: (name, _done, total) => {
        progress ??= this.output.progress(total, 'restoring');
        progress?.tick(name);
      },
    });
    (progress as Progress | null)?.stop();
    // Read-only, after the commit: links to accounts deleted since the backup are reported,
    // and `audit orphans --fix` repairs them if the maintainer wants.
    const audit = await this.softLinks.orphans({ fix: false, slugs: [restored.restoredAs] });
    const summary = { ...restored, orphans: audit.orphans };
    if (options.json) return this.output.json(summary);
    this.output.line(
      `restored ${slug} as ${restored.restoredAs}: ${restored.rows} rows, ` +
        `migrated from ${restored.migratedFrom} to ${restored.migratedTo} in ${restored.seconds} s`,
    );
    const { accounts } = restored;
    this.output.line(
      `accounts: ${accounts.relinked} re-linked, ${accounts.recreated} recreated from the archive`,
    );
    for (const account of accounts.differing) {
      this.output.line(
        `  ${account.username}: current ${account.fields.join(', ')} kept (differs from the archive)`,
      );
    }
    if (restored.replaced) {
      this.output.line(
        `the school that had the slug is now ${restored.replaced} (archived); ` +
          `drop it when sure: tenants drop ${restored.replaced} --confirm ${restored.replaced}`,
      );
    }
    this.output.line(`${audit.orphans.length} orphaned links (see: audit orphans)`);
  }

  @Option({ flags: '--from <file>', description: 'the archive', required: true })
  parseFrom(value: string): string {
    return value;
  }

  @Option({ flags: '--as <slug>', description: 'restore under another slug (and address)' })
  parseAs(value: string): string {
    return value;
  }

  @Option({
    flags: '--replace',
    description: 'move a school that has the slug aside as <slug>-replaced-<n>, archived',
  })
  parseReplace(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}
