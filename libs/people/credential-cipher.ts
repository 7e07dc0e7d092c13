import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@schoolyard/config';
import { DATABASE_URLS, type DatabaseUrls } from '@schoolyard/database';
import { SealedText } from '@schoolyard/common';
import { createHmac, randomInt } from 'node:crypto';

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

/**
 * Temporary passwords are kept only so the office can print credential slips, and only
 * sealed (SealedText: AES-256-GCM, the account id as associated data so a ciphertext copied
 * onto another account does not decrypt). They are erased at the first password change.
 */
@Injectable()
export class CredentialCipher {
  private readonly sealer: SealedText;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DATABASE_URLS) urls: DatabaseUrls) {
    this.sealer = new SealedText(deploymentKey(config, urls));
  }

  encrypt(userId: string, password: string): string {
    return this.sealer.seal(userId, password);
  }

  /** Undefined when the text was not sealed by this key for this account. */
  decrypt(userId: string, sealedText: string): string | undefined {
    return this.sealer.open(userId, sealedText);
  }
}

/**
 * The deployment's master key (CREDENTIALS_KEY). Outside production an unset key is derived
 * from the owner's URL, so what was sealed survives restarts.
 */
export function deploymentKey(config: AppConfig, urls: DatabaseUrls): Buffer {
  return (
    config.credentialsKey ??
    createHmac('sha256', urls.ownerUrl).update('schoolyard credential slips').digest()
  );
}
