import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';

/**
 * A recipient starting with this is refused by the run's SMTP server (450, try later) the
 * first time it is named, for tests of retried deliveries.
 */
export const REFUSE_ONCE_PREFIX = 'refuse-once';

/** A message as a test reads it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** The single-use token the message carries, if any. */
  token: string | null;
}

interface Parsed extends ReceivedMail {
  recipients: string[];
  template: string | null;
}

/** Files are parsed once per test file; names sort by arrival. */
const parsed = new Map<string, Parsed>();

function mailDir(): string {
  const dir = process.env.SCHOOLYARD_TEST_MAILDIR;
  if (!dir) throw new Error('SCHOOLYARD_TEST_MAILDIR is unset: run the suite with `npm test`');
  return dir;
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) =>
    object.value.flatMap((address) => (address.address ? [address.address.toLowerCase()] : [])),
  );
}

async function parse(name: string): Promise<Parsed> {
  const known = parsed.get(name);
  if (known) return known;
  const mail = await simpleParser(await readFile(join(mailDir(), name)));
  const text = mail.text ?? '';
  const header = mail.headers.get('x-schoolyard-template');
  const message: Parsed = {
    to: mail.to ? (Array.isArray(mail.to) ? mail.to[0].text : mail.to.text) : '',
    subject: mail.subject ?? '',
    text,
    token: /[?&]token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null,
    recipients: addressesOf(mail.to),
    template: typeof header === 'string' ? header : null,
  };
  parsed.set(name, message);
  return message;
}

/** Every message received so far to `address` (of `template`, when given), oldest first. */
export async function mailsTo(
  address: string,
  options: { template?: string } = {},
): Promise<ReceivedMail[]> {
  const names = (await readdir(mailDir())).filter((name) => name.endsWith('.eml')).sort();
  const found: ReceivedMail[] = [];
  for (const name of names) {
    const { recipients, template, ...mail } = await parse(name);
    if (!recipients.includes(address.toLowerCase())) continue;
    if (options.template !== undefined && template !== options.template) continue;
    found.push(mail);
  }
  return found;
}

/**
 * The newest message to `address` (of `template`, when given), waiting up to `timeoutMs`.
 * Messages arrive over SMTP at the server the test run starts (see smtp-sink.ts), in their
 * own time: a test that expects the `nth` message to the address (1 is the first) says so,
 * and waits until it has arrived, rather than reading an earlier one.
 */
export async function mailTo(
  address: string,
  options: { template?: string; timeoutMs?: number; nth?: number } = {},
): Promise<ReceivedMail> {
  // Generous: on a loaded machine a message may wait for a worker's next poll, or for a retry
  // after the app that took its job shut down; it usually arrives within a second or two.
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const found = await mailsTo(address, options);
    const wanted = options.nth === undefined ? found[found.length - 1] : found[options.nth - 1];
    if (wanted) return wanted;
    if (Date.now() > deadline) throw new Error(`no mail to ${address} within the wait`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
