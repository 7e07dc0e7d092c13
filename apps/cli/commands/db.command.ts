import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { Passwords, seedPlatformAdmin } from '@schoolyard/identity';
import { CommandGroup } from './command-group';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliOutput } from '../cli-output';

export const APPLIED_PUBLIC_MIGRATIONS = Symbol('APPLIED_PUBLIC_MIGRATIONS');

/** Public migrations already ran while the CLI connected (under an advisory lock): report them. */
@SubCommand({ name: 'migrate', description: 'Apply pending migrations of the public schema' })
export class DbMigrateCommand extends CommandRunner {
  constructor(
    @Inject(APPLIED_PUBLIC_MIGRATIONS) private readonly applied: string[],
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (this.applied.length === 0) {
      this.output.line('public schema: already up to date');
      return;
    }
    for (const name of this.applied) this.output.line(`public schema: applied ${name}`);
  }
}

@SubCommand({
  name: 'seed-admin',
  description:
    'Create the platform admin (or promote an existing account); defaults to SUPERUSER_EMAIL and SUPERUSER_PASSWORD',
})
export class DbSeedAdminCommand extends CommandRunner {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URLS) private readonly urls: DatabaseUrls,
    private readonly passwords: Passwords,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: { email?: string; password?: string }): Promise<void> {
    const email = options.email ?? this.config.auth.superuser?.email;
    const password = options.password ?? this.config.auth.superuser?.password;
    if (!email || !password) {
      throw new Error('give --email and --password, or set SUPERUSER_EMAIL and SUPERUSER_PASSWORD');
    }
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new Error(`"${email}" is not an email address`);
    if (password.length < 10) throw new Error('the password must be 10 characters or more');
    const outcome = await seedPlatformAdmin(this.urls.ownerUrl, this.passwords, {
      email,
      password,
    });
    const said = {
      created: 'created',
      promoted: 'an existing account, now a platform admin (its password is unchanged)',
      unchanged: 'already a platform admin (password unchanged)',
    };
    this.output.line(`platform admin ${email}: ${said[outcome]}`);
  }

  @Option({ flags: '--email <email>', description: 'default: SUPERUSER_EMAIL' })
  parseEmail(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--password <password>', description: 'default: SUPERUSER_PASSWORD' })
  parsePassword(value: string): string {
    return value;
  }
}

@Command({
  name: 'db',
  description: 'Platform database',
  subCommands: [DbMigrateCommand, DbSeedAdminCommand],
})
export class DbCommand extends CommandGroup {}
