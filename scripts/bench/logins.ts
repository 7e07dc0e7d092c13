import { loadConfig } from '@schoolyard/config';
import { Passwords } from '@schoolyard/identity';
import { performance } from 'node:perf_hooks';
import { BENCH_PASSWORD, load, registerBenchSchools, startBenchServer } from './harness';
import { median, round } from './stats';

export interface LoginOptions {
  databaseUrl: string;
  rounds: number;
  durationSeconds: number;
  concurrency: number;
}

export interface LoginRound {
  argon2VerificationsPerSecond: number;
  loginsPerSecond: number;
  schoolReadP99QuietMs: number;
  schoolReadP99DuringLoginsMs: number;
}

export interface LoginResult {
  rounds: LoginRound[];
  median: LoginRound;
  medianLoginToArgon2Ratio: number;
  medianP99Ratio: number;
}

/** argon2id verifications with `concurrency` in flight, as many as fit in the time. */
async function rawVerifications(concurrency: number, seconds: number): Promise<number> {
  // The server's own limit on concurrent hashes, so the ceiling is measured like for like.
  const passwords = new Passwords(loadConfig(process.env));
  const hash = await passwords.hash(BENCH_PASSWORD);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await passwords.verify(hash, BENCH_PASSWORD);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/**
 * Sign-ins per second at the given concurrency against raw argon2 verifications per second
 * at the same concurrency (the ceiling: a sign-in is one verification plus a few queries),
 * and the p99 of a school read alone and while sign-ins saturate the hasher.
 */
export async function measureLogins(options: LoginOptions): Promise<LoginResult> {
  const server = await startBenchServer(options.databaseUrl);
  try {
    const [school] = await registerBenchSchools(server.port, 1, 'login');
    const signIn = {
      method: 'POST' as const,
      path: '/api/auth/login',
      hosts: [school.host],
      body: JSON.stringify({ username: school.ownerUsername, password: BENCH_PASSWORD }),
      connections: options.concurrency,
    };
    const read = { path: '/api/school', hosts: [school.host], connections: 4 };
    await load(server.port, { ...signIn, durationSeconds: 2 });

    const rounds: LoginRound[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const argon2 = await rawVerifications(options.concurrency, options.durationSeconds);
      const quiet = await load(server.port, { ...read, durationSeconds: options.durationSeconds });
      const [logins, busy] = await Promise.all([
        load(server.port, { ...signIn, durationSeconds: options.durationSeconds }),
        load(server.port, { ...read, durationSeconds: options.durationSeconds }),
      ]);
      rounds.push({
        argon2VerificationsPerSecond: round(argon2, 1),
        loginsPerSecond: round(logins.requestsPerSecond, 1),
        schoolReadP99QuietMs: quiet.p99Ms,
        schoolReadP99DuringLoginsMs: busy.p99Ms,
      });
    }
    const pick = (key: keyof LoginRound) => median(rounds.map((x) => x[key]));
    return {
      rounds,
      median: {
        argon2VerificationsPerSecond: pick('argon2VerificationsPerSecond'),
        loginsPerSecond: pick('loginsPerSecond'),
        schoolReadP99QuietMs: pick('schoolReadP99QuietMs'),
        schoolReadP99DuringLoginsMs: pick('schoolReadP99DuringLoginsMs'),
      },
      medianLoginToArgon2Ratio: round(
        median(rounds.map((x) => x.loginsPerSecond / x.argon2VerificationsPerSecond)),
        3,
      ),
      medianP99Ratio: round(
        median(
          rounds.map((x) => x.schoolReadP99DuringLoginsMs / Math.max(1, x.schoolReadP99QuietMs)),
        ),
        2,
      ),
    };
  } finally {
    await server.stop();
  }
}
