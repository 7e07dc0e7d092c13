import { InvalidArgumentError } from 'commander';

/** `--schools a,b` → ['a', 'b']: the one way every command reads a list of slugs. */
export function parseSlugList(value: string): string[] {
  return value
    .split(',')
    .map((slug) => slug.trim())
    .filter(Boolean);
}

/** A whole number within bounds, or a message that names the flag. */
export function parseCount(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidArgumentError(`a whole number from ${min} to ${max} is needed`);
  }
  return n;
}
