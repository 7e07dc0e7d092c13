import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type Argon2Settings } from '@schoolyard/config';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * argon2id with OWASP's parameters or stronger (configurable). The native binding hashes on
 * libuv's thread pool, so the event loop keeps serving requests; callers hash before opening
 * a transaction so no connection waits on it.
 */
@Injectable()
export class Passwords {
  private readonly settings: Argon2Settings;
  private decoy: Promise<string> | undefined;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.argon2;
  }

  hash(password: string): Promise<string> {
    return this.limited(() =>
      argon2.hash(password, {
        type: argon2.argon2id,
        memoryCost: this.settings.memoryKiB,
        timeCost: this.settings.timeCost,
        parallelism: this.settings.parallelism,
      }),
    );
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.limited(() => argon2.verify(hash, password));
  }

  /**
   * Verifies against the account's hash, or against a decoy with the same cost when there is
   * no account: an unknown username then takes as long to refuse as a wrong password.
   */
  async verifyOrWaste(hash: string | null | undefined, password: string): Promise<boolean> {
    if (hash) return this.verify(hash, password);
    this.decoy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.decoy, password);
    return false;
  }

  /**
   * argon2 is CPU-bound: with every core hashing, the event loop and PostgreSQL wait too and
   * every other request slows down. At most `concurrency` hashes run; the rest queue.
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.settings.concurrency) {
      await new Promise<void>((resume) => this.waiting.push(resume));
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
