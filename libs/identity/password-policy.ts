import { dictionary } from '@zxcvbn-ts/language-common';

/** About 49,000 passwords from public breach lists, kept by the zxcvbn-ts project. */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  (dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()),
);

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

/**
 * The problems with a new password, empty when it is acceptable: long enough, not one of
 * the person's own names, not a well-known password. `field` names the password in the
 * messages (a registration's `owner.password`).
 */
export function passwordProblems(
  password: string,
  personalWords: Array<string | null | undefined>,
  field = 'newPassword',
): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`${field} must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`${field} must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
  const lowered = password.toLowerCase();
  if (personalWords.some((word) => word && word.toLowerCase() === lowered)) {
    problems.push(`${field} must not be your username or email`);
  }
  if (COMMON_PASSWORDS.has(lowered)) {
    problems.push(`${field} is a well-known password; choose another`);
  }
  return problems;
}
