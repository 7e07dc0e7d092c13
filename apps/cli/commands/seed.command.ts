import { Inject } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { CliOutput } from '../cli-output';
import { type SeedSizes, TestDataSeeder } from '../seed/test-data.seeder';
import { CommandGroup } from './command-group';
import { parseCount } from './options';

interface SeedOptions extends Partial<SeedSizes> {
  school?: string;
  password?: string;
  allowProduction?: boolean;
  json?: boolean;
}

@SubCommand({
  name: 'test-data',
  description:
    'Fill a school with realistic people, classes, course content and submissions (sizes are totals: a re-run tops up, never duplicates)',
})
export class SeedTestDataCommand extends CommandRunner {
  constructor(
    private readonly seeder: TestDataSeeder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: SeedOptions): Promise<void> {
    if (this.config.environment === 'production' && !options.allowProduction) {
      throw new Error(
        'refusing to seed test data in production (add --allow-production for a demo school)',
      );
    }
    if (options.password !== undefined && options.password.length < 10) {
      throw new Error('--password must be 10 characters or more');
    }
    const report = await this.seeder.seed(
      options.school ?? '',
      {
        students: options.students ?? 500,
        staff: options.staff ?? 40,
        guardians: options.guardians ?? 300,
      },
      options.password,
    );
    if (options.json) return this.output.json(report);
    const made = Object.entries(report.created)
      .map(([what, count]) => `${count} ${what}`)
      .join(', ');
    this.output.line(`${report.school} (${report.academicYear}): created ${made}`);
    for (const warning of report.warnings) this.output.error(`warning: ${warning}`);
    if (!options.password) {
      this.output.line('no portal accounts were made: give --password to make them');
    }
  }

  @Option({ flags: '--school <slug>', description: 'the school to fill', required: true })
  parseSchool(value: string): string {
    return value.trim();
  }

  @Option({ flags: '--students <n>', description: 'students in the school (default 500)' })
  parseStudents(value: string): number {
    return parseCount(value, 0, 20_000);
  }

  @Option({ flags: '--staff <n>', description: 'staff in the school (default 40)' })
  parseStaff(value: string): number {
    return parseCount(value, 0, 2_000);
  }

  @Option({ flags: '--guardians <n>', description: 'guardians in the school (default 300)' })
  parseGuardians(value: string): number {
    return parseCount(value, 0, 40_000);
  }

  @Option({
    flags: '--password <password>',
    description: 'give every seeded person a portal account with this password',
  })
  parsePassword(value: string): string {
    return value;
  }

  @Option({ flags: '--allow-production', description: 'seed even when NODE_ENV=production' })
  parseAllowProduction(): boolean {
    return true;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

@Command({ name: 'seed', description: 'Test data', subCommands: [SeedTestDataCommand] })
export class SeedCommand extends CommandGroup {}
