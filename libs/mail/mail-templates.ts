import { type MailTemplate, type MailTemplates } from './outbox';

/** A message ready for a transport: plain text only, so nothing in it can run or hide. */
export interface RenderedMail {
  subject: string;
  text: string;
}

export interface RenderContext {
  scheme: 'http' | 'https';
  /** The public port, added to a link's host that names none (PUBLIC_URL_PORT). */
  port?: number;
  /** When the mailed token stops working, if known (read from `account_tokens`). */
  expiresAt: Date | null;
  now: Date;
}

/** A template name and parameters read back from the outbox, checked before use. */
export type CheckedMail = {
  [T in MailTemplate]: { template: T; params: MailTemplates[T] };
}[MailTemplate];

const PATHS: Record<MailTemplate, string> = {
  'verify-email': '/verify-email',
  'link-invitation': '/accept-link',
  'password-reset': '/reset-password',
  'absence-alert': '/',
  notification: '/',
};

/** The text parameters each template needs besides `host`. */
const TEXT_PARAMS: Record<MailTemplate, readonly string[]> = {
  'verify-email': ['token'],
  'link-invitation': ['token', 'schoolName'],
  'password-reset': ['token'],
  'absence-alert': ['schoolName', 'studentName', 'date'],
  notification: ['schoolName', 'title', 'body'],
};

/**
 * Checks an outbox row's template and parameters; answers why not when they are unusable (a
 * row written by an older or newer build, or by hand). The reason never repeats a token.
 */
export function checkMail(template: string, params: unknown): CheckedMail | { problem: string } {
  if (!(template in PATHS)) return { problem: `unknown template "${template.slice(0, 40)}"` };
  const record = (typeof params === 'object' && params !== null ? params : {}) as Record<
    string,
    unknown
  >;
  const needed = TEXT_PARAMS[template as MailTemplate];
  const missing = [needed[0], 'host', ...needed.slice(1)]
    .filter((key) => typeof record[key] !== 'string' || record[key] === '')
    .join(', ');
  if (missing) return { problem: `parameters missing: ${missing}` };
  if (needed.includes('token') && !/^[A-Za-z0-9_-]{16,200}$/.test(record.token as string)) {
    return { problem: 'the token is not a mailed token' };
  }
  if (template === 'absence-alert' && !/^\d{4}-\d{2}-\d{2}$/.test(record.date as string)) {
    return { problem: 'the date is not a date' };
  }
  return { template, params: record } as CheckedMail;
}

/** The host part of a link's `host[:port]`, or null when it is not one. */
export function linkHostName(host: string): string | null {
  const match =
    /^([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/.exec(
      host.toLowerCase(),
    );
  return match ? match[1] : null;
}

export function renderMail(mail: CheckedMail, context: RenderContext): RenderedMail {
  const { host } = mail.params;
  const defaultPort = context.scheme === 'https' ? 443 : 80;
  const withPort =
    context.port === undefined || context.port === defaultPort || host.includes(':')
      ? host.toLowerCase()
      : `${host.toLowerCase()}:${context.port}`;
  const address = `${context.scheme}://${withPort}${PATHS[mail.template]}`;
  if (mail.template === 'absence-alert') return renderAbsenceAlert(mail.params, address);
  if (mail.template === 'notification') return renderNotification(mail.params, address);
  const { token } = mail.params;
  const link = `${address}?token=${encodeURIComponent(token)}`;
  const expiry = context.expiresAt
    ? `It works once and expires in ${expiryInWords(context.expiresAt, context.now)} (${utc(context.expiresAt)}).`
    : 'It works once.';
  const tokenLines = [
    'If you use an API client rather than a browser, the token on its own is:',
    '',
    token,
  ];
  switch (mail.template) {
    case 'verify-email':
      return {
        subject: 'Confirm your email address',
        text: lines(
          'Hello,',
          '',
          'This address was given to a Schoolyard account. To confirm that it is yours, open this link:',
          '',
          link,
          '',
          expiry,
          '',
          ...tokenLines,
          '',
          'If you did not expect this, ignore this message: nothing changes unless the link is opened.',
        ),
      };
    case 'link-invitation': {
      const school = oneLine(mail.params.schoolName);
      return {
        subject: `${school} invites you to use your Schoolyard account there`,
        text: lines(
          'Hello,',
          '',
          `${school} has added you and would like to link your Schoolyard account, so that you sign in there with it. Nothing is linked unless you accept. To accept, open this link and sign in:`,
          '',
          link,
          '',
          expiry,
          '',
          ...tokenLines,
          '',
          'If you do not know this school, ignore this message.',
        ),
      };
    }
    case 'password-reset':
      return {
        subject: 'Reset your Schoolyard password',
        text: lines(
          'Hello,',
          '',
          'Someone asked to reset the password of the Schoolyard account with this address. To choose a new password, open this link:',
          '',
          link,
          '',
          expiry,
          '',
          ...tokenLines,
          '',
          'If you did not ask for this, ignore this message: your password stays as it is.',
        ),
      };
  }
}

/**
 * No token and no action that changes anything: it tells the guardian what the register says
 * and where to answer. Names come from the school's records, so each is kept to one line.
 */
function renderAbsenceAlert(params: MailTemplates['absence-alert'], address: string): RenderedMail {
  const school = oneLine(params.schoolName);
  const student = oneLine(params.studentName);
  const day = dayInWords(params.date);
  return {
    subject: `${student} was absent from ${school} on ${day}`,
    text: lines(
      'Hello,',
      '',
      `${student} was marked absent at ${school} on ${day}, and the school has no approved absence note for that day.`,
      '',
      'If you know why, you can send the school an absence note: sign in to your Schoolyard account at',
      '',
      address,
      '',
      'and choose your child. The school sends one message per child and day, however often the register is saved.',
    ),
  };
}

/**
 * The inbox's words as they are, between a greeting and where to read the rest, in English or,
 * for a school whose language is Nepali, in Nepali. The subject is the title on one line.
 */
function renderNotification(params: MailTemplates['notification'], address: string): RenderedMail {
  const school = oneLine(params.schoolName);
  const nepali = (params.locale ?? '').toLowerCase().split('-')[0] === 'ne';
  return {
    subject: oneLine(params.title),
    text: lines(
      nepali ? 'नमस्ते,' : 'Hello,',
      '',
      params.body.slice(0, 20_000),
      '',
      nepali
        ? `${school} बाट। तपाईंको Schoolyard खातामा साइन इन गरी सबै सूचनाहरू हेर्नुहोस्:`
        : `From ${school}. Sign in to your Schoolyard account to see all your notifications:`,
      '',
      address,
    ),
  };
}

/** 2026-11-30 as "Monday 30 November 2026": the date alone, no time zone to get wrong. */
export function dayInWords(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const at = new Date(Date.UTC(year, month - 1, day));
  const weekday = at.toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
  const monthName = at.toLocaleDateString('en-GB', { month: 'long', timeZone: 'UTC' });
  return `${weekday} ${day} ${monthName} ${year}`;
}

/** "45 minutes", "1 hour", "48 hours", "14 days": the unit a person would use. */
export function expiryInWords(expiresAt: Date, now: Date): string {
  const seconds = Math.max(0, (expiresAt.getTime() - now.getTime()) / 1000);
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 120) return minutes === 60 ? '1 hour' : plural(minutes, 'minute');
  const hours = Math.round(seconds / 3600);
  if (hours <= 48) return plural(hours, 'hour');
  return plural(Math.round(seconds / 86_400), 'day');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A school's name goes into a subject line: no line breaks or control characters. */
function oneLine(value: string): string {
  return value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .trim()
    .slice(0, 120);
}

function lines(...parts: string[]): string {
  return `${parts.join('\n')}\n`;
}
