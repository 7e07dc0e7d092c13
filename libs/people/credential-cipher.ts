import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt } from 'node:crypto';

/** No 0/O, 1/l/I: the office prints these and people type them. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const GROUPS = 3;
const GROUP_LENGTH = 5;

/** 15 characters from 57: about 87 bits, typed as three groups. */
export function temporaryPassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

const VERSION = 'v1';

/**
 * Temporary passwords are kept only so the office can print credential slips, and only
 * encrypted: AES-256-GCM, a fresh nonce each, the account id as associated data so a
 * ciphertext copied onto another account does not decrypt. They are erased at the first
 * password change.
 */
@Injectable()
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DATABASE_URLS) urls: DatabaseUrls) {
    // Outside production an unset key is derived from the owner's URL, so slips survive restarts.
    this.key =
      config.credentialsKey ??
      createHmac('sha256', urls.ownerUrl).update('schoolyard credential slips').digest();
  }

  encrypt(userId: string, password: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(userId));
    const sealed = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), sealed]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Undefined when the text was not sealed by this key for this account. */
  decrypt(userId: string, sealedText: string): string | undefined {
    const [version, nonce, tag, sealed] = sealedText.split('.');
    if (version !== VERSION || !nonce || !tag || sealed === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(sealed, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
