import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, type Argon2Settings } from '@schoolyard/config';
import * as argon2 from 'argon2';

/**
 * argon2id with OWASP's parameters or stronger (configurable). The native binding hashes on
 * libuv's thread pool, so the event loop keeps serving requests; callers hash before opening
 * a transaction so no connection waits on it.
 */
@Injectable()
export class Passwords {
  private readonly settings: Argon2Settings;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.argon2;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.settings.memoryKiB,
      timeCost: this.settings.timeCost,
      parallelism: this.settings.parallelism,
    });
  }

  verify(hash: string, password: string): Promise<boolean> {
    return argon2.verify(hash, password);
  }
}
