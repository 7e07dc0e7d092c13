import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type Argon2Settings } from '@schoolyard/config';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { storedHashProblem } from './stored-hash';

/**
 * argon2id with OWASP's parameters or stronger (configurable). The native binding hashes on
 * libuv's thread pool, so the event loop keeps serving requests; callers hash before opening
 * a transaction so no connection waits on it. Registration alone hashes while its transaction
 * builds the school's tables, which take longer than the hash.
 */
@Injectable()
export class Passwords {
  private readonly logger = new Logger(Passwords.name);
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

  /**
   * Whether `password` matches the stored `hash`. A hash the platform would not have written
   * (another format, or parameters beyond its settings) is not verified: the decoy is, so it
   * costs what a normal refusal costs, and the answer is false with a warning for operators.
   * `account` names whose hash it is in that warning; the hash itself is never logged.
   */
  async verify(hash: string, password: string, account = 'an account'): Promise<boolean> {
    const problem = storedHashProblem(hash, this.settings);
    if (problem) {
      this.logger.warn(`Refused to verify the stored password hash of ${account}: ${problem}`);
      await this.waste(password);
      return false;
    }
    try {
      return await this.limited(() => argon2.verify(hash, password));
    } catch (error) {
      // A hash that looks right but does not decode (bad base64, impossible parameters).
      this.logger.warn(
        `Could not verify the stored password hash of ${account}: ${(error as Error).name}`,
      );
      await this.waste(password);
      return false;
    }
  }

  /**
   * Verifies against the account's hash, or against a decoy with the same cost when there is
   * no account: an unknown username then takes as long to refuse as a wrong password.
   */
  async verifyOrWaste(
    hash: string | null | undefined,
    password: string,
    account?: string,
  ): Promise<boolean> {
    if (hash) return this.verify(hash, password, account);
    await this.waste(password);
    return false;
  }

  private async waste(password: string): Promise<void> {
    this.decoy ??= this.hash(randomBytes(16).toString('hex'));
    const decoy = await this.decoy;
    await this.limited(() => argon2.verify(decoy, password));
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
