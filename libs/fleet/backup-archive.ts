import { type AppConfig } from '@schoolyard/config';
import { type DatabaseUrls } from '@schoolyard/database';
import { deploymentKey } from '@schoolyard/people';
import { purposeKey } from '@schoolyard/common';
import { createHash } from 'node:crypto';
import { type Readable } from 'node:stream';

/**
 * A school archive (.sybk): a plain header, then the gzip-compressed body encrypted with
 * AES-256-GCM, then the 16-byte tag. The header is the cipher's associated data, so a changed
 * header fails like changed data does.
 *
 *   magic "SYBK" | format version (1 byte) | label length (1 byte) | label (utf-8)
 *   | key fingerprint (8 bytes) | nonce (12 bytes)
 *
 * The label says where the key came from ("BACKUP_KEY", or the HKDF purpose label under
 * CREDENTIALS_KEY); the fingerprint lets a restore say "wrong key" before it reads anything.
 */
export const ARCHIVE_MAGIC = Buffer.from('SYBK');
export const ARCHIVE_FORMAT = 1;
export const TAG_BYTES = 16;
export const NONCE_BYTES = 12;
/** HKDF purpose label of the key derived from CREDENTIALS_KEY when BACKUP_KEY is unset. */
export const BACKUP_KEY_PURPOSE = 'school backup archives';

export interface ArchiveKey {
  key: Buffer;
  label: string;
}

export function archiveKey(config: AppConfig, urls: DatabaseUrls): ArchiveKey {
  if (config.backupKey) return { key: config.backupKey, label: 'BACKUP_KEY' };
  return {
    key: purposeKey(deploymentKey(config, urls), BACKUP_KEY_PURPOSE),
    label: `hkdf:${BACKUP_KEY_PURPOSE}`,
  };
}

export function fingerprintOf(key: Buffer): Buffer {
  return createHash('sha256').update('schoolyard archive key').update(key).digest().subarray(0, 8);
}

export function encodeHeader(key: ArchiveKey, nonce: Buffer): Buffer {
  const label = Buffer.from(key.label, 'utf8');
  return Buffer.concat([
    ARCHIVE_MAGIC,
    Buffer.from([ARCHIVE_FORMAT, label.length]),
    label,
    fingerprintOf(key.key),
    nonce,
  ]);
}

export interface ArchiveHeader {
  bytes: Buffer;
  label: string;
  fingerprint: Buffer;
  nonce: Buffer;
}

/** Undefined when `head` (the file's first bytes) is not a header this release reads. */
export function decodeHeader(head: Buffer): ArchiveHeader | undefined {
  if (head.length < 6 || !head.subarray(0, 4).equals(ARCHIVE_MAGIC)) return undefined;
  if (head[4] !== ARCHIVE_FORMAT) return undefined;
  const labelEnd = 6 + head[5];
  const end = labelEnd + 8 + NONCE_BYTES;
  if (head.length < end) return undefined;
  return {
    bytes: head.subarray(0, end),
    label: head.subarray(6, labelEnd).toString('utf8'),
    fingerprint: head.subarray(labelEnd, labelEnd + 8),
    nonce: head.subarray(labelEnd + 8, end),
  };
}

/** What the body starts with: one JSON line. */
export interface ArchiveManifest {
  slug: string;
  organizationId: string;
  name: string;
  /** The school's applied tenant migrations: its schema version. */
  schemaVersion: string[];
  release: string;
  createdAt: string;
  tables: Array<{ name: string; columns: string[]; rows: number }>;
}

/** The public rows of the school, the body's last JSON line. */
export interface ArchivePublicRows {
  organization: Record<string, unknown>;
  domains: Array<Record<string, unknown>>;
  memberships: Array<Record<string, unknown>>;
  subscriptions: Array<Record<string, unknown>>;
  payments: Array<Record<string, unknown>>;
  paymentEvents: Array<Record<string, unknown>>;
  accounts: Array<Record<string, unknown>>;
}

/** Ends a table's COPY text rows. COPY escapes a backslash in data, so no row reads like it. */
export const END_OF_TABLE = '\\.';

/**
 * The body's lines as buffers, without their newline. COPY's text format ends every row with
 * a newline and escapes the ones inside values, so a line is a row.
 */
export async function* linesOf(stream: Readable): AsyncGenerator<Buffer> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let at = data.indexOf(10, start); at !== -1; at = data.indexOf(10, start)) {
      yield data.subarray(start, at);
      start = at + 1;
    }
    data = data.subarray(start);
    rest = Buffer.from(data);
  }
  if (rest.length) yield rest;
}
