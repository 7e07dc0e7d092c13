import { type TenantMigration } from '@schoolyard/migrations/tenant';
import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { AppError, type FieldProblem } from '@schoolyard/common';
import { type Command } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { CliModule } from './cli.module';
import { CliOutput, StderrLogger } from './cli-output';

export interface CliSetup {
  config: AppConfig;
  urls: DatabaseUrls;
  /** Public migrations applied while connecting, reported by `db migrate`. */
  appliedPublic: string[];
  output?: CliOutput;
  /** Another tenant migration list: for the fleet benchmark and tests only. */
  tenantMigrations?: ReadonlyArray<new () => TenantMigration>;
}

interface CommanderFailure {
  code?: string;
  exitCode?: number;
  message: string;
}

const USAGE_ERROR = 2;

/**
 * Runs one command line (`['tenants', 'migrate', '--json']`) and answers its exit code:
 * 0 all well, 1 the command found or met a problem, 2 the command line itself was wrong.
 */
export async function runCli(argv: string[], setup: CliSetup): Promise<number> {
  const output = setup.output ?? CliOutput.console();
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot({ ...setup, output }), {
    // Logs go to stderr: stdout carries only what the command says (one document with --json).
    logger: new StderrLogger(output),
    // Without this nest-commander prints the error and sets process.exitCode itself.
    serviceErrorHandler: (error) => {
      throw error;
    },
  });
  const runner = app.get(CommandRunnerService);
  // nest-commander sets these on the root command only; a subcommand's parse error would
  // still call process.exit. Commander keeps its tree on a field the service does not expose.
  const root = (runner as unknown as { commander: Command }).commander;
  const settle = (command: Command): void => {
    command.exitOverride((error) => {
      throw error;
    });
    command.configureOutput({
      writeOut: (text) => output.write(text),
      writeErr: (text) => output.writeError(text),
    });
    command.commands.forEach(settle);
  };
  settle(root);
  try {
    await runner.run(['node', 'schoolyard', ...argv]);
  } catch (error) {
    const failure = error as CommanderFailure;
    if (failure.code?.startsWith('commander.')) {
      // Commander already printed the usage problem (or the help that was asked for).
      if (failure.exitCode !== 0) output.fail(USAGE_ERROR);
    } else {
      output.error(`error: ${failure.message}`);
      if (error instanceof AppError && Array.isArray(error.details)) {
        for (const problem of error.details as FieldProblem[]) {
          output.error(`  ${problem.field}: ${problem.problems.join('; ')}`);
        }
      }
      output.fail(1);
    }
  } finally {
    await app.close();
  }
  return output.exitCode;
}
