/**
 * Addresses as a delivery needs them. A phone number is kept as E.164 digits (`+` and 8 to 15
 * digits): separators are dropped, `00` becomes `+`, and a ten-digit Nepali mobile number
 * written without its country code (98…, 97…) gets +977, the platform's home country.
 * Anything else answers null: the number is recorded as invalid rather than guessed at.
 */
export function phoneNumberOf(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.trim().replace(/[\s().-]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (/^9[78]\d{8}$/.test(compact)) digits = `977${compact}`;
  else return null;
  return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
}

/** A plausible mail address: one @, no spaces or angle brackets, a dot in the domain. */
export function emailAddressOf(raw: string | null | undefined): string | null {
  const value = raw?.trim().toLowerCase();
  if (!value || value.length > 254) return null;
  return /^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/.test(value) ? value : null;
}

/** One text message: the school's name, the title and as much of the body as fits. */
export function smsTextOf(schoolName: string, title: string, body: string): string {
  const flat = (value: string) => value.replace(/\s+/g, ' ').trim();
  const head = `${flat(schoolName).slice(0, 60)}: ${flat(title)}`;
  const room = SMS_MAX_LENGTH - head.length - 3;
  if (room < 20) return head.slice(0, SMS_MAX_LENGTH);
  const text = flat(body);
  return `${head} - ${text.length > room ? `${text.slice(0, room - 1)}…` : text}`;
}

/** Two concatenated GSM segments' worth: enough to say what happened; the rest is in the app. */
export const SMS_MAX_LENGTH = 306;

/** Attempts before a delivery is given up as failed. */
export const MAX_ATTEMPTS = 5;

/** Wait before the next attempt after `attempts` failed ones: 1, 4, 16, 64 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return 60 * 4 ** Math.max(0, Math.min(attempts, MAX_ATTEMPTS) - 1);
}
