import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';

/**
 * Readers for the files in docker/, for a test that checks them without Docker: the compose
 * file as Compose sees it (anchors merged, variables interpolated) and nginx's configuration
 * as a tree of directives.
 */

// Tests run from the repository root (as npm runs them).
const DOCKER_DIR = join(process.cwd(), 'docker');

export function readDockerFile(name: string): string {
  return readFileSync(join(DOCKER_DIR, name), 'utf8');
}

export interface ComposeHealthcheck {
  test: string | string[];
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: ComposeHealthcheck;
  stop_grace_period?: string;
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: { subnet: string }[] } } | null>;
}

/**
 * Replaces ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message} and $$ as Compose does,
 * with `variables` standing for docker/.env. A required variable that is missing throws.
 */
export function interpolate(text: string, variables: Record<string, string>): string {
  const pattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)/g;
  return text.replace(pattern, (match, braced?: string, operator?: string, word?: string) => {
    if (match === '$$') return '$';
    const name = braced ?? match.slice(1);
    const value = variables[name];
    const unset = operator?.startsWith(':') ? !value : value === undefined;
    switch (operator) {
      case ':-':
      case '-':
        return unset ? (word ?? '') : (value ?? '');
      case ':?':
      case '?':
        if (unset) throw new Error(`${name} is required: ${word ?? ''}`);
        return value ?? '';
      case ':+':
      case '+':
        return unset ? '' : (word ?? '');
      default:
        return value ?? '';
    }
  });
}

/** Compose interpolates string values after parsing, so `${X:-true}` stays a string. */
function interpolateValues(node: unknown, variables: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, variables);
  if (Array.isArray(node)) return node.map((item) => interpolateValues(item, variables));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateValues(value, variables)]),
    );
  }
  return node;
}

/** docker/compose.yaml after merge keys and interpolation (YAML 1.1 is where `<<` lives). */
export function loadCompose(variables: Record<string, string>): ComposeFile {
  const parsed = load(readDockerFile('compose.yaml'), { schema: YAML11_SCHEMA });
  return interpolateValues(parsed, variables) as ComposeFile;
}

/** A directive (`listen 80;`) or a block (`upstream api { ... }`) of nginx's configuration. */
export interface NginxDirective {
  name: string;
  args: string[];
  children?: NginxDirective[];
}

/** Words, quoted strings and the three punctuation marks, with comments dropped. */
function tokens(text: string): string[] {
  const found: string[] = [];
  const pattern = /#[^\n]*|'((?:\\.|[^'\\])*)'|"((?:\\.|[^"\\])*)"|([{};])|([^\s{};'"#]+)/g;
  for (const match of text.matchAll(pattern)) {
    if (match[0].startsWith('#')) continue;
    found.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
  }
  return found;
}

/** nginx.conf as a tree. Throws on an unbalanced brace, which nginx would refuse too. */
export function parseNginx(text: string): NginxDirective[] {
  const list = tokens(text);
  let at = 0;
  const block = (nested: boolean): NginxDirective[] => {
    const directives: NginxDirective[] = [];
    let words: string[] = [];
    while (at < list.length) {
      const token = list[at++];
      if (token === ';') {
        directives.push({ name: words[0], args: words.slice(1) });
        words = [];
      } else if (token === '{') {
        directives.push({ name: words[0], args: words.slice(1), children: block(true) });
        words = [];
      } else if (token === '}') {
        if (!nested) throw new Error('nginx.conf: } without {');
        return directives;
      } else {
        words.push(token);
      }
    }
    if (nested || words.length) throw new Error('nginx.conf: unclosed block or directive');
    return directives;
  };
  return block(false);
}

/** Every directive named `name` at any depth under `directives`. */
export function findAll(directives: NginxDirective[], name: string): NginxDirective[] {
  return directives.flatMap((directive) => [
    ...(directive.name === name ? [directive] : []),
    ...findAll(directive.children ?? [], name),
  ]);
}
