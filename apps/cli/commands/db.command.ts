import { Inject } from '@nestjs/common';
import { Command, CommandRunner, SubCommand } from 'nest-commander';

/** Public migrations already ran while the CLI connected (under an advisory lock): report them. */
@SubCommand({ name: 'migrate', description: 'Apply pending migrations of the public schema' })
export class DbMigrateCommand extends CommandRunner {
  constructor(@Inject('APPLIED_PUBLIC_MIGRATIONS') private readonly applied: string[]) {
    super();
  }

  async run(): Promise<void> {
    if (this.applied.length === 0) {
      process.stdout.write('public schema: already up to date\n');
      return;
    }
    for (const name of this.applied) process.stdout.write(`public schema: applied ${name}\n`);
  }
}

@Command({ name: 'db', description: 'Platform database', subCommands: [DbMigrateCommand] })
export class DbCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
