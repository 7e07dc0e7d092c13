import { type Argon2Settings } from '@schoolyard/config';

/**
 * An encoded argon2id hash, version 19. The parameters come in either order: node-argon2 writes
 * `m=,p=,t=`, the reference implementation `m=,t=,p=`.
 */
const ARGON2ID_V19 =
  /^\$argon2id\$v=19\$([mtp]=\d{1,7},[mtp]=\d{1,7},[mtp]=\d{1,7})\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}$/;

/**
 * Why a stored hash must not be verified, or null when it may be. A hash is data in the
 * database, not code the platform wrote: one that is malformed would make argon2 throw, and
 * one with larger parameters than the platform's would let whoever wrote it make every sign-in
 * of that name cost seconds of CPU and hundreds of MiB on the shared hashing slots.
 * The problem names the format or the parameters, never the hash.
 */
export function storedHashProblem(
  hash: string,
  settings: Pick<Argon2Settings, 'memoryKiB' | 'timeCost' | 'parallelism'>,
): string | null {
  const match = ARGON2ID_V19.exec(hash);
  if (!match) return 'it is not an argon2id (v=19) hash';
  const parameters = new Map(
    match[1].split(',').map((pair) => [pair[0], Number(pair.slice(2))] as const),
  );
  const memoryKiB = parameters.get('m');
  const timeCost = parameters.get('t');
  const parallelism = parameters.get('p');
  if (memoryKiB === undefined || timeCost === undefined || parallelism === undefined) {
    return 'it is not an argon2id (v=19) hash';
  }
  if (
    memoryKiB > settings.memoryKiB ||
    timeCost > settings.timeCost ||
    parallelism > settings.parallelism ||
    parallelism < 1
  ) {
    return `its parameters m=${memoryKiB},t=${timeCost},p=${parallelism} exceed the platform's m=${settings.memoryKiB},t=${settings.timeCost},p=${settings.parallelism}`;
  }
  return null;
}
