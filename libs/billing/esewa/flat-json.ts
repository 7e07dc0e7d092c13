/**
 * eSewa signs the text of each value as it sent it: a callback's `"total_amount": 1000.0` is
 * signed as `1000.0`, which JSON.parse would turn into the number 1000 and lose. So numbers are
 * read as the text they were written as, and only the top level's values are kept.
 */
const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

export function parseFlatJson(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    // Strings are matched first and kept whole, so only numbers outside strings become strings.
    parsed = JSON.parse(
      text.replace(TOKEN, (token) => (token.startsWith('"') ? token : `"${token}"`)),
    );
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}
