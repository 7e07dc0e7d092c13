import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** GCM's full tag. Node accepts shorter ones, which would let a forger guess 4 bytes, not 16. */
const TAG_BYTES = 16;

/**
 * A separate 32-byte key for one purpose, from the deployment's master key: a leak or misuse
 * of one purpose's key tells nothing about another's.
 */
export function purposeKey(master: Buffer, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `schoolyard ${label}`, 32));
}

/**
 * Small secrets kept in the database only sealed: AES-256-GCM with a fresh nonce each time,
 * and the record the secret belongs to as associated data, so a sealed text copied onto
 * another record does not open. Written as `v1.<nonce>.<tag>.<ciphertext>` in base64url.
 */
export class SealedText {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('a sealing key is 32 bytes');
  }

  seal(owner: string, plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(owner));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      ...[nonce, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')),
    ].join('.');
  }

  /** Undefined when the text was not sealed with this key for this owner (or was tampered with). */
  open(owner: string, sealedText: string): string | undefined {
    const [version, nonce, tag, sealed, extra] = sealedText.split('.');
    if (version !== VERSION || !nonce || !tag || sealed === undefined || extra !== undefined) {
      return undefined;
    }
    const authTag = Buffer.from(tag, 'base64url');
    if (authTag.length !== TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(owner));
      decipher.setAuthTag(authTag);
      return Buffer.concat([
        decipher.update(Buffer.from(sealed, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
