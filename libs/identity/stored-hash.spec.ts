import * as argon2 from 'argon2';
import { storedHashProblem } from './stored-hash';

const settings = { memoryKiB: 19_456, timeCost: 2, parallelism: 1 };

describe('storedHashProblem', () => {
  it('accepts what the platform writes, and cheaper argon2id hashes of older settings', async () => {
    const hash = await argon2.hash('a password', {
      type: argon2.argon2id,
      memoryCost: settings.memoryKiB,
      timeCost: settings.timeCost,
      parallelism: settings.parallelism,
    });
    expect(storedHashProblem(hash, settings)).toBeNull();
    const cheaper = hash.replace(/m=19456,p=1,t=2/, 'm=15360,t=2,p=1');
    expect(cheaper).not.toBe(hash);
    expect(storedHashProblem(cheaper, settings)).toBeNull();
  });

  it('refuses other formats and larger parameters, without repeating the hash', () => {
    const salt = 'c2FsdHNhbHRzYWx0c2FsdA';
    const tag = 'a'.repeat(43);
    for (const hash of [
      'not a hash',
      '',
      `$argon2i$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      `$argon2id$v=16$m=19456,t=2,p=1$${salt}$${tag}`,
      `$2b$12$${'x'.repeat(53)}`,
      `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag}$extra`,
      `$argon2id$v=19$m=19456,m=2,p=1$${salt}$${tag}`,
    ]) {
      expect(storedHashProblem(hash, settings)).toBe('it is not an argon2id (v=19) hash');
    }
    const costly = `$argon2id$v=19$m=262144,t=10,p=1$${salt}$${tag}`;
    const problem = storedHashProblem(costly, settings);
    expect(problem).toContain('m=262144,t=10,p=1');
    expect(problem).not.toContain(tag);
    expect(storedHashProblem(`$argon2id$v=19$m=19456,t=2,p=4$${salt}$${tag}`, settings)).toMatch(
      /exceed/,
    );
  });
});
