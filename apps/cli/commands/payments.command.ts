import { Inject } from '@nestjs/common';
import { PaymentSettlement } from '@schoolyard/billing';
import { InvalidArgumentError } from 'commander';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { cliActor } from '../cli-actor';
import { CliOutput } from '../cli-output';
import { CommandGroup } from './command-group';

interface RecheckOptions {
  payment?: string;
  json?: boolean;
}

@SubCommand({
  name: 'recheck',
  description:
    "Ask the provider's status API about pending payments (or one payment) and complete those it confirms; exits 1 when any could not be checked",
})
export class PaymentsRecheckCommand extends CommandRunner {
  constructor(
    private readonly settlement: PaymentSettlement,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: RecheckOptions): Promise<void> {
    const outcomes = await this.settlement.recheckPending(options.payment, cliActor());
    if (options.json) {
      this.output.json({ checked: outcomes });
    } else {
      for (const outcome of outcomes) {
        this.output.line(
          `${outcome.school ? `${outcome.school}: ` : ''}payment ${outcome.paymentId} ` +
            (outcome.error
              ? `not checked (${outcome.error.code}: ${outcome.error.message})`
              : `${outcome.status} (provider: ${outcome.providerStatus ?? 'no answer'})`),
        );
      }
      this.output.line(`${outcomes.length} payments checked`);
    }
    if (outcomes.some((outcome) => outcome.error)) this.output.fail(1);
  }

  @Option({ flags: '--payment <id>', description: 'only this payment' })
  parsePayment(value: string): string {
    const id = value.trim();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new InvalidArgumentError('a payment id (a UUID) is needed');
    }
    return id;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

@Command({
  name: 'payments',
  description: 'Payments schools make to the platform',
  subCommands: [PaymentsRecheckCommand],
})
export class PaymentsCommand extends CommandGroup {}
