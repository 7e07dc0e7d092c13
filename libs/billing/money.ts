/**
 * Money is an integer count of minor units (paisa for NPR: 100 to the rupee), held as bigint in
 * code and `bigint` in the database. Providers speak decimal rupee strings ("1,000.0", "100");
 * these helpers convert with string and integer arithmetic only, never a float.
 */
export type MinorUnits = bigint;

const MINOR_PER_MAJOR = 100n;

/**
 * Digits, optionally grouped with commas the way eSewa prints them (1,000 or 1,00,000), then
 * optionally a point and decimals. A comma in any other place (1,5) is refused, not guessed.
 */
const PLAIN = /^\d+$/;
const GROUPED_THOUSANDS = /^\d{1,3}(?:,\d{3})+$/;
const GROUPED_LAKHS = /^\d{1,2}(?:,\d{2})*,\d{3}$/;

export class MoneyFormatError extends Error {}

/** "1,000.0" → 100000n; "100" → 10000n; "0.5" → 50n. More than two decimals must be zeros. */
export function parseMajorUnits(text: string): MinorUnits {
  const trimmed = text.trim();
  const point = trimmed.indexOf('.');
  const whole = point === -1 ? trimmed : trimmed.slice(0, point);
  const fraction = point === -1 ? '' : trimmed.slice(point + 1);
  if (!(PLAIN.test(whole) || GROUPED_THOUSANDS.test(whole) || GROUPED_LAKHS.test(whole))) {
    throw new MoneyFormatError(`"${text}" is not an amount`);
  }
  if (point !== -1 && !/^\d+$/.test(fraction)) {
    throw new MoneyFormatError(`"${text}" is not an amount`);
  }
  if (/[1-9]/.test(fraction.slice(2))) {
    throw new MoneyFormatError(`"${text}" has a fraction of a paisa`);
  }
  const paisa = (fraction + '00').slice(0, 2);
  return BigInt(whole.replace(/,/g, '')) * MINOR_PER_MAJOR + BigInt(paisa);
}

/** 11000n → "110"; 10050n → "100.50": whole rupees plainly, otherwise two decimals. */
export function formatMajorUnits(minor: MinorUnits): string {
  if (minor < 0n) throw new MoneyFormatError('amounts are never negative');
  const whole = minor / MINOR_PER_MAJOR;
  const paisa = minor % MINOR_PER_MAJOR;
  return paisa === 0n ? whole.toString() : `${whole}.${paisa.toString().padStart(2, '0')}`;
}

/** For JSON answers: minor units as a plain number, refusing what a number cannot hold exactly. */
export function minorUnitsToNumber(minor: MinorUnits): number {
  const value = Number(minor);
  if (!Number.isSafeInteger(value)) throw new MoneyFormatError(`${minor} is too large`);
  return value;
}

/** PostgreSQL's bigint arrives as a string; it becomes bigint without passing through a float. */
export function minorUnitsOf(column: string | number | bigint): MinorUnits {
  if (typeof column === 'bigint') return column;
  if (typeof column === 'number') {
    if (!Number.isSafeInteger(column))
      throw new MoneyFormatError(`${column} is not a whole amount`);
    return BigInt(column);
  }
  if (!/^-?\d+$/.test(column)) throw new MoneyFormatError(`"${column}" is not a whole amount`);
  return BigInt(column);
}
