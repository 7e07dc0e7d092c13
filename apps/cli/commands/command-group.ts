import { CommandRunner } from 'nest-commander';

/** `tenants`, `audit`, `db`: alone they show their help; an unknown subcommand is a usage error. */
export abstract class CommandGroup extends CommandRunner {
  async run(args: string[]): Promise<void> {
    if (args.length) {
      this.command.error(`error: unknown command '${args[0]}'\n${this.command.helpInformation()}`, {
        exitCode: 2,
        code: 'commander.unknownCommand',
      });
    }
    this.command.help();
  }
}
