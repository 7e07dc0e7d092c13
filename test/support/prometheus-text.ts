/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line is a `# HELP`,
 * a `# TYPE` or a sample of a family whose TYPE came first; label values are quoted with only
 * `\\`, `\"` and `\n` escaped; values are numbers, `+Inf`, `-Inf` or `NaN`. prom-client writes
 * the format but ships no reader, so the test holds its own. Throws on the first bad line.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: string;
  help: string | undefined;
  samples: PromSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const VALUE = '([+-]?(?:\\d+\\.?\\d*(?:[eE][+-]?\\d+)?|\\.\\d+(?:[eE][+-]?\\d+)?|Inf)|NaN)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL},?)*)\\})? ${VALUE}(?: -?\\d+)?$`);
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const helps = new Map<string, string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    const fail = (why: string) => {
      throw new Error(`line ${index + 1} ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    let match = HELP.exec(line);
    if (match) {
      if (helps.has(match[1])) fail('repeats a HELP');
      helps.set(match[1], match[2]);
      return;
    }
    match = TYPE.exec(line);
    if (match) {
      if (families.has(match[1])) fail('repeats a TYPE');
      families.set(match[1], {
        name: match[1],
        type: match[2],
        help: helps.get(match[1]),
        samples: [],
      });
      return;
    }
    if (line.startsWith('#')) fail('is a comment of no known kind');
    match = SAMPLE.exec(line);
    if (!match) return fail('is not a sample');
    const [, name, labelText = '', , , value] = match;
    const family = familyOf(families, name);
    if (!family) return fail('has no TYPE before it');
    const labels: Record<string, string> = {};
    for (const pair of labelText.matchAll(new RegExp(LABEL, 'g'))) {
      if (pair[1] in labels) fail(`repeats the label ${pair[1]}`);
      labels[pair[1]] = pair[2].replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    if (family.type === 'histogram' && name.endsWith('_bucket') && !('le' in labels)) {
      fail('is a bucket without le');
    }
    family.samples.push({ name, labels, value: Number(value.replace('Inf', 'Infinity')) });
  });
  return families;
}

function familyOf(families: Map<string, PromFamily>, name: string): PromFamily | undefined {
  const exact = families.get(name);
  if (exact && !(exact.type in SUFFIXES && !SUFFIXES[exact.type].includes(''))) return exact;
  for (const family of families.values()) {
    const suffixes = SUFFIXES[family.type] ?? [];
    if (suffixes.some((suffix) => suffix !== '' && name === family.name + suffix)) return family;
  }
  return undefined;
}
