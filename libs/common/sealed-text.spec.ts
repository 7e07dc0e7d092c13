import { randomBytes } from 'node:crypto';
import { purposeKey, SealedText } from './sealed-text';

describe('SealedText', () => {
  const master = randomBytes(32);
  const sealer = new SealedText(purposeKey(master, 'test secrets'));

  it('opens what it sealed for the same owner, with a fresh nonce each time', () => {
    const sealed = sealer.seal('school-a', 'the merchant secret');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('merchant');
    expect(sealer.seal('school-a', 'the merchant secret')).not.toBe(sealed);
    expect(sealer.open('school-a', sealed)).toBe('the merchant secret');
  });

  it("does not open for another owner, under another purpose's key, or once tampered with", () => {
    const sealed = sealer.seal('school-a', 'the merchant secret');
    expect(sealer.open('school-b', sealed)).toBeUndefined();
    expect(new SealedText(purposeKey(master, 'other')).open('school-a', sealed)).toBeUndefined();
    const [version, nonce, tag, body] = sealed.split('.');
    const flipped = `${body[0] === 'A' ? 'B' : 'A'}${body.slice(1)}`;
    expect(sealer.open('school-a', [version, nonce, tag, flipped].join('.'))).toBeUndefined();
    expect(sealer.open('school-a', `v2.${nonce}.${tag}.${body}`)).toBeUndefined();
    expect(sealer.open('school-a', 'not sealed')).toBeUndefined();
  });

  it('does not open with a shortened authentication tag, however much of the real one it keeps', () => {
    const sealed = sealer.seal('school-a', 'the merchant secret');
    const [version, nonce, tag, body] = sealed.split('.');
    const full = Buffer.from(tag, 'base64url');
    expect(full).toHaveLength(16);
    for (const bytes of [4, 8, 12, 15]) {
      const short = full.subarray(0, bytes).toString('base64url');
      expect(sealer.open('school-a', [version, nonce, short, body].join('.'))).toBeUndefined();
    }
  });
});
