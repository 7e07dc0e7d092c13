import { randomBytes } from 'node:crypto';

/** Letters that Unicode decomposition does not split into a base letter plus an accent. */
const FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
  ŋ: 'n',
};

/** `José`, `María`, `Núñez` → `josemarianunez`: lower-case ASCII letters and digits only. */
export function localUsernameBase(
  firstName: string,
  middleName: string | null | undefined,
  lastName: string,
): string {
  const joined = [firstName, middleName ?? '', lastName].join('').toLowerCase();
  const folded = [...joined.normalize('NFKD')]
    .map((char) => FOLDS[char] ?? char)
    .join('')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
  return folded || 'user';
}

/**
 * The first free name among base, base2, base3, … given the names already taken in
 * this school that start with `base`.
 */
export function nextFreeUsername(base: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let suffix = 2; ; suffix++) {
    if (!used.has(`${base}${suffix}`)) return `${base}${suffix}`;
  }
}

/** Unique across the platform and never shown to the person: `<local>_<6 random hex>`. */
export function globalUsernameFor(localUsername: string): string {
  return `${localUsername}_${randomBytes(3).toString('hex')}`;
}
