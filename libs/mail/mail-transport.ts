import { Logger } from '@nestjs/common';
import { type MailSettings } from '@schoolyard/config';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';

/** One message as it leaves: plain text, one recipient. */
export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per outbox row, so a receiving server can recognise a repeat. */
  messageId: string;
  headers: Record<string, string>;
}

export interface MailTransport {
  send(message: OutgoingMessage): Promise<void>;
  close(): void;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** SMTP_URL when set, otherwise files under MAIL_DIR (development). */
export function createMailTransport(settings: MailSettings): MailTransport {
  return settings.smtpUrl
    ? new SmtpTransport(settings.smtpUrl, settings.from)
    : new FileTransport(settings.dir, settings.from);
}

/**
 * A connection per message (no pool: nothing stays open between deliveries), with timeouts
 * well under a job's expiry, since the outbox row stays locked while its message is sent.
 */
export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transporter = createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.transporter.sendMail({ from: this.from, ...message });
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * Development without a mail server: each message becomes a file a developer opens to follow
 * a link. The log says where, never what: a message carries a token that acts for its holder.
 *
 * The file is a message in 8-bit plain text (not nodemailer's quoted-printable, which breaks
 * long lines with `=`), so `cat` shows a link that can be copied and a mail client opens it.
 */
export class FileTransport implements MailTransport {
  private readonly logger = new Logger('MailFiles');
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly from: string,
  ) {
    this.dir = resolve(dir);
  }

  async send(message: OutgoingMessage): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${stamp}-${message.messageId.replace(/[^A-Za-z0-9.-]/g, '_')}.eml`;
    const path = join(this.dir, name);
    // Written whole, then renamed: whoever watches the folder never reads half a message.
    await writeFile(`${path}.part`, this.format(message), { mode: 0o600 });
    await rename(`${path}.part`, path);
    this.logger.log({ path }, `mail written to ${path}`);
  }

  close(): void {}

  private format(message: OutgoingMessage): string {
    const headers: Array<[string, string]> = [
      ['From', this.from],
      ['To', message.to],
      ['Subject', message.subject],
      ['Date', new Date().toUTCString()],
      ['Message-ID', message.messageId],
      ...Object.entries(message.headers),
      ['MIME-Version', '1.0'],
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Transfer-Encoding', '8bit'],
    ];
    // No value may start a header of its own.
    const lines = headers.map(([key, value]) => `${key}: ${value.replace(/[\r\n]+/g, ' ')}`);
    return `${lines.join('\n')}\n\n${message.text}`;
  }
}
