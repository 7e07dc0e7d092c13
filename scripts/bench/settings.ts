export const BENCHMARKS = [
  'isolation',
  'ceiling',
  'fleet',
  'provisioning',
  'logins',
  'permissions',
  'noisy-neighbour',
  'builds',
  'instances',
  'attendance',
  'exams',
  'fees',
  'announcements',
  'deliveries',
  'audit',
  'backup',
  'imports',
] as const;
export type Benchmark = (typeof BENCHMARKS)[number];
/**
 * The six figures; the permission-check and noisy-neighbour comparisons, registrations
 * alone (`provisioning`: line 3 without the rest of `fleet`), this build against another
 * (`builds`, which needs `--against`) and two API instances against one (`instances`) run
 * when named.
 */
const DEFAULT_BENCHMARKS: readonly Benchmark[] = ['isolation', 'ceiling', 'fleet', 'logins'];

export interface BenchSettings {
  full: boolean;
  rounds: number;
  durationSeconds: number;
  connections: number;
  /** Schools registered through the API and timed (issue line 3, `fleet` and `provisioning`). */
  registered: number;
  /** Schools the fleet's read workload spreads over (line 2). */
  fleetSchools: number;
  /** Schools a release is shipped to (line 4). */
  migrationSchools: number;
  migrationRounds: number;
  /** Concurrencies the release is shipped at. */
  migrationConcurrencies: number[];
  loginConcurrency: number;
  /** Connections school A floods with in noisy-neighbour. */
  floodConnections: number;
  /** Students in the school `backup` backs up and restores. */
  students: number;
  /** Root of another checkout, built: the other side of the `builds` benchmark. */
  against?: string;
}

const SHORT: Omit<BenchSettings, 'full'> = {
  rounds: 5,
  durationSeconds: 3,
  connections: 32,
  registered: 200,
  fleetSchools: 1000,
  migrationSchools: 1000,
  migrationRounds: 1,
  // One or two schools at a time take 2-3x as long as 8 here: the short run leaves them out.
  migrationConcurrencies: [4, 8],
  loginConcurrency: 16,
  floodConnections: 32,
  students: 1000,
};

const FULL: Omit<BenchSettings, 'full'> = {
  ...SHORT,
  durationSeconds: 5,
  registered: 1000,
  fleetSchools: 10_000,
  migrationRounds: 2,
  migrationConcurrencies: [1, 2, 4, 8],
};

const FLAGS: Record<
  string,
  keyof Omit<BenchSettings, 'full' | 'migrationConcurrencies' | 'against'>
> = {
  '--rounds': 'rounds',
  '--duration': 'durationSeconds',
  '--connections': 'connections',
  '--registered': 'registered',
  '--fleet-schools': 'fleetSchools',
  '--migration-schools': 'migrationSchools',
  '--migration-rounds': 'migrationRounds',
  '--login-concurrency': 'loginConcurrency',
  '--flood-connections': 'floodConnections',
  '--students': 'students',
};

/** The short defaults, or `--full`'s sizes, with any `--flag n` on top. */
export function benchSettings(argv: string[]): BenchSettings {
  const full = argv.includes('--full');
  const settings: BenchSettings = { full, ...(full ? FULL : SHORT) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--against') {
      const dir = argv[i + 1];
      if (!dir || dir.startsWith('--'))
        throw new Error('--against needs the root of another checkout, built');
      settings.against = dir;
      i++;
      continue;
    }
    const key = FLAGS[argv[i]];
    if (!argv[i].startsWith('--') || argv[i] === '--full') continue;
    if (!key) throw new Error(`unknown option ${argv[i]}`);
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${argv[i]} needs a positive whole number`);
    settings[key] = value;
    i++;
  }
  // The fleet grows in steps: registered, then the release's size, then the read workload's.
  settings.migrationSchools = Math.min(settings.migrationSchools, settings.fleetSchools);
  settings.registered = Math.min(settings.registered, settings.migrationSchools);
  return settings;
}

/** The benchmarks named on the command line, or the default ones, in their usual order. */
export function chosenBenchmarks(argv: string[]): Benchmark[] {
  const unknown = argv.filter(
    (arg, i) =>
      !arg.startsWith('--') &&
      !(argv[i - 1]?.startsWith('--') && argv[i - 1] !== '--full') &&
      !(BENCHMARKS as readonly string[]).includes(arg),
  );
  if (unknown.length)
    throw new Error(`unknown benchmark ${unknown.join(', ')}: ${BENCHMARKS.join(', ')}`);
  const named = BENCHMARKS.filter((name) => argv.includes(name));
  // Either without the other would be a run that silently measures something else.
  if (named.includes('builds') !== argv.includes('--against'))
    throw new Error('`builds` compares this build with `--against <checkout>`: name both');
  return named.length ? named : [...DEFAULT_BENCHMARKS];
}
