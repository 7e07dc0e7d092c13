import { createHash } from 'node:crypto';

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username) || 'postgres';
}

export function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Eight hex digits naming a database, used to keep cluster-wide role names apart. */
export function databaseTag(databaseName: string): string {
  return createHash('sha256').update(databaseName).digest('hex').slice(0, 8);
}
