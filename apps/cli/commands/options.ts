/** `--schools a,b` → ['a', 'b']: the one way every command reads a list of slugs. */
export function parseSlugList(value: string): string[] {
  return value
    .split(',')
    .map((slug) => slug.trim())
    .filter(Boolean);
}
