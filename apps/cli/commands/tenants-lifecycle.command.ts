import { Inject } from '@nestjs/common';
import { validateInput } from '@schoolyard/common';
import { type OrganizationStatus } from '@schoolyard/database';
import { RegisterSchoolDto, RegistrationService } from '@schoolyard/organizations';
import { SchoolLifecycle, type StatusChange, UnverifiedSchools } from '@schoolyard/fleet';
import { InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { CommandRunner, Option, SubCommand } from 'nest-commander';
import { cliActor } from '../cli-actor';
import { CliOutput } from '../cli-output';

interface CreateOptions {
  subdomain?: string;
  name?: string;
  ownerEmail?: string;
  ownerPassword?: string;
  ownerFirstName?: string;
  ownerLastName?: string;
  json?: boolean;
}

/** "olive.owner@x" → Olive / Owner: a starting name the owner can change after signing in. */
function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const words = (email.split('@')[0] ?? '')
    .split(/[._+-]+/)
    .filter((word) => /^\p{L}/u.test(word))
    .map((word) => word[0].toUpperCase() + word.slice(1));
  return { firstName: words[0] ?? 'School', lastName: words[1] ?? 'Owner' };
}

@SubCommand({
  name: 'create',
  description:
    'Register a school exactly as the registration endpoint does (same validation, same transaction)',
})
export class TenantsCreateCommand extends CommandRunner {
  constructor(
    private readonly registration: RegistrationService,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(_args: string[], options: CreateOptions): Promise<void> {
    const email = options.ownerEmail ?? '';
    const derived = namesFromEmail(email);
    // Without --owner-password a strong one is made and shown once, like a credential slip.
    const generated = options.ownerPassword === undefined;
    const password = options.ownerPassword ?? randomBytes(15).toString('base64url');
    const request = await validateInput(RegisterSchoolDto, {
      subdomain: options.subdomain,
      name: options.name,
      owner: {
        firstName: options.ownerFirstName ?? derived.firstName,
        lastName: options.ownerLastName ?? derived.lastName,
        email,
        password,
      },
    });
    const made = await this.registration.register(request, cliActor());
    const result = {
      ...made,
      owner: { ...made.owner, ...(generated ? { generatedPassword: password } : {}) },
    };
    if (options.json) return this.output.json(result);
    this.output.line(`created ${made.organization.slug} at ${made.organization.host}`);
    this.output.line(`owner: ${made.owner.username} (${made.owner.email})`);
    // A new account like any registration's: its holder proves the address by the mailed link.
    this.output.line(`verification message queued for ${made.owner.email}`);
    if (generated) this.output.line(`owner password (shown once): ${password}`);
  }

  @Option({
    flags: '--subdomain <subdomain>',
    description: 'the school’s address and slug',
    required: true,
  })
  parseSubdomain(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'the school’s name', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({ flags: '--owner-email <email>', description: 'the owner’s email', required: true })
  parseOwnerEmail(value: string): string {
    return value;
  }

  @Option({
    flags: '--owner-password <password>',
    description: 'the owner’s password (default: a generated one, printed once)',
  })
  parseOwnerPassword(value: string): string {
    return value;
  }

  @Option({ flags: '--owner-first-name <name>', description: 'default: from the email' })
  parseOwnerFirstName(value: string): string {
    return value;
  }

  @Option({ flags: '--owner-last-name <name>', description: 'default: from the email' })
  parseOwnerLastName(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

const STATUSES: OrganizationStatus[] = ['active', 'suspended', 'archived'];

@SubCommand({ name: 'list', description: 'Every school: slug, status, address, migration' })
export class TenantsListCommand extends CommandRunner {
  constructor(
    private readonly lifecycle: SchoolLifecycle,
    private readonly unverified: UnverifiedSchools,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run(
    _args: string[],
    options: { status?: OrganizationStatus; json?: boolean; unverified?: boolean },
  ) {
    if (options.unverified) return this.listUnverified(options);
    const schools = await this.lifecycle.list(options.status);
    if (options.json) return this.output.json(schools);
    for (const school of schools) {
      this.output.line(
        `${school.slug}\t${school.status}\t${school.host ?? '-'}\t${school.name}\t` +
          `${school.lastMigration ?? '(never migrated)'}${school.migrationState === 'failed' ? ' FAILED' : ''}`,
      );
    }
    this.output.line(`${schools.length} schools`);
  }

  /** Schools whose registering owner never proved their email, oldest first, with their age. */
  private async listUnverified(options: { status?: OrganizationStatus; json?: boolean }) {
    const schools = (await this.unverified.list()).filter(
      (school) => options.status === undefined || school.status === options.status,
    );
    if (options.json) return this.output.json(schools);
    for (const school of schools) {
      this.output.line(
        `${school.slug}\t${school.status}\t${school.host ?? '-'}\t` +
          `${school.ownerEmail ?? '(no email)'}\t${school.ageDays} days old`,
      );
    }
    this.output.line(`${schools.length} schools whose owner has not verified their email`);
  }

  @Option({
    flags: '--unverified',
    description: 'only schools whose owner never verified their email, with their age',
  })
  parseUnverified(): boolean {
    return true;
  }

  @Option({ flags: '--status <status>', description: STATUSES.join(' | ') })
  parseStatus(value: string): OrganizationStatus {
    if (!STATUSES.includes(value as OrganizationStatus)) {
      throw new InvalidArgumentError(`one of ${STATUSES.join(', ')} is needed`);
    }
    return value as OrganizationStatus;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}

/** suspend, resume and archive differ only in the change they ask for. */
abstract class StatusCommand extends CommandRunner {
  constructor(
    protected readonly lifecycle: SchoolLifecycle,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  protected abstract change(slug: string): Promise<StatusChange>;

  async run([slug]: string[]): Promise<void> {
    const change = await this.change(slug);
    if (change.migrated.length) {
      this.output.line(`${slug}: brought up to date (${change.migrated.join(', ')})`);
    }
    this.output.line(
      change.from === change.to
        ? `${slug} was already ${change.to}`
        : `${slug}: ${change.from} → ${change.to}`,
    );
  }
}

@SubCommand({
  name: 'suspend',
  arguments: '<slug>',
  description: 'Block every request to the school at once; its data stays',
})
export class TenantsSuspendCommand extends StatusCommand {
  protected change(slug: string) {
    return this.lifecycle.suspend(slug, cliActor());
  }
}

@SubCommand({
  name: 'resume',
  arguments: '<slug>',
  description: 'Serve a suspended or archived school again (migrated first if behind)',
})
export class TenantsResumeCommand extends StatusCommand {
  protected change(slug: string) {
    return this.lifecycle.resume(slug, cliActor());
  }
}

@SubCommand({
  name: 'archive',
  arguments: '<slug>',
  description:
    'Block access for good and skip the school in fleet migrations; data and names are kept',
})
export class TenantsArchiveCommand extends StatusCommand {
  protected change(slug: string) {
    return this.lifecycle.archive(slug, cliActor());
  }
}

@SubCommand({
  name: 'drop',
  arguments: '<slug>',
  description:
    'Delete an archived school: schema, role, domains, ledger, memberships. Global accounts stay',
})
export class TenantsDropCommand extends CommandRunner {
  constructor(
    private readonly lifecycle: SchoolLifecycle,
    @Inject(CliOutput) private readonly output: CliOutput,
  ) {
    super();
  }

  async run([slug]: string[], options: { confirm?: string; json?: boolean }): Promise<void> {
    const dropped = await this.lifecycle.drop(slug, options.confirm ?? '', cliActor());
    if (options.json) return this.output.json(dropped);
    this.output.line(
      `dropped ${slug}: schema ${dropped.schema}, role ${dropped.role}, ` +
        `${dropped.domains} domains, ${dropped.memberships} memberships; global accounts kept`,
    );
  }

  @Option({ flags: '--confirm <slug>', description: 'the slug again, to confirm', required: true })
  parseConfirm(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print one JSON document' })
  parseJson(): boolean {
    return true;
  }
}
