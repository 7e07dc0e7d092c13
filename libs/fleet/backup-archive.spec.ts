import { Readable } from 'node:stream';
import { decodeHeader, encodeHeader, fingerprintOf, linesOf, NONCE_BYTES } from './backup-archive';

describe('school archive format', () => {
  const key = { key: Buffer.alloc(32, 3), label: 'BACKUP_KEY' };
  const nonce = Buffer.alloc(NONCE_BYTES, 5);

  it('reads back the header it writes, followed by anything', () => {
    const header = encodeHeader(key, nonce);
    const read = decodeHeader(Buffer.concat([header, Buffer.from('body')]));
    expect(read).toEqual({
      bytes: header,
      label: 'BACKUP_KEY',
      fingerprint: fingerprintOf(key.key),
      nonce,
    });
    expect(fingerprintOf(Buffer.alloc(32, 4))).not.toEqual(read?.fingerprint);
  });

  it('refuses what is not a header of this format', () => {
    const header = encodeHeader(key, nonce);
    expect(decodeHeader(Buffer.from('PGDMP archive'))).toBeUndefined();
    expect(decodeHeader(Buffer.concat([header.subarray(0, 4), Buffer.from([2])]))).toBeUndefined();
    expect(decodeHeader(header.subarray(0, header.length - 1))).toBeUndefined();
  });

  it('splits a stream into lines wherever the chunks break', async () => {
    const chunks = ['a\tb\n', 'c', 'd\\nstill d\n\\.', '\n{"x":1}'].map((c) => Buffer.from(c));
    const lines: string[] = [];
    for await (const line of linesOf(Readable.from(chunks))) lines.push(line.toString());
    expect(lines).toEqual(['a\tb', 'cd\\nstill d', '\\.', '{"x":1}']);
  });
});
