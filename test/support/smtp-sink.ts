import { randomBytes } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { REFUSE_ONCE_PREFIX } from './mailbox';

export interface SmtpSink {
  /** smtp://127.0.0.1:<port> */
  url: string;
  /** Every accepted message, raw, one `.eml` file each; names sort by arrival. */
  dir: string;
  close(): Promise<void>;
}

/**
 * A real SMTP server for the whole test run. Every app of a run shares one database, so any
 * app's worker may deliver any test's mail: one server receives it all, and tests find their
 * messages by recipient (unique per test). Runs in Jest's parent process; workers get its URL
 * and folder through the environment. (Tests must not import this file: loading smtp-server
 * leaves a handle that keeps a Jest worker from exiting.)
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const dir = await mkdtemp(join(tmpdir(), 'schoolyard-mail-'));
  const refused = new Set<string>();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (to.startsWith(REFUSE_ONCE_PREFIX) && !refused.has(to)) {
        refused.add(to);
        const busy = Object.assign(new Error('Mailbox busy, try again later'), {
          responseCode: 450,
        });
        callback(busy);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        received += 1;
        const name = `${String(Date.now()).padStart(15, '0')}-${String(received).padStart(6, '0')}-${randomBytes(3).toString('hex')}.eml`;
        const path = join(dir, name);
        // Whole files only: a reader never parses half a message.
        writeFile(`${path}.part`, Buffer.concat(chunks))
          .then(() => rename(`${path}.part`, path))
          .then(
            () => callback(),
            (error: Error) => callback(error),
          );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    dir,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
