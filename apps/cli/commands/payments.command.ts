import { PaymentSettlement } from '@schoolyard/billing';
import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';

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
  constructor(private readonly settlement: PaymentSettlement) {
    super();
  }

  async run(_args: string[], options: RecheckOptions): Promise<void> {
    const outcomes = await this.settlement.recheckPending(options.payment);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ checked: outcomes })}\n`);
    } else {
      for (const outcome of outcomes) {
        process.stdout.write(
          `${outcome.school ? `${outcome.school}: ` : ''}payment ${outcome.paymentId} ` +
            (outcome.error
              ? `not checked (${outcome.error.code}: ${outcome.error.message})\n`
              : `${outcome.status} (provider: ${outcome.providerStatus ?? 'no answer'})\n`),
        );
      }
      process.stdout.write(`${outcomes.length} payments checked\n`);
    }
    if (outcomes.some((outcome) => outcome.error)) process.exitCode = 1;
  }

  @Option({ flags: '--payment <id>', description: 'only this payment' })
  parsePayment(value: string): string {
    const id = value.trim();
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw new Error('--payment must be a payment id (a UUID)');
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
export class PaymentsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
