import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import {
  type BenchSchool,
  type BenchServer,
  registerBenchSchools,
  startBenchServer,
} from './harness';
import { median, medianRatio, round } from './stats';

export interface NoisyNeighbourOptions {
  databaseUrl: string;
  rounds: number;
  durationSeconds: number;
  /** Connections flooding school A, each sending its next request as soon as it has an answer. */
  floodConnections: number;
}

export interface NoisyNeighbourRound {
  quietP99Ms: number;
  duringFloodP99Ms: number;
  quietRequestsPerSecond: number;
  duringFloodRequestsPerSecond: number;
  floodRequestsPerSecond: number;
  /** Share of the flood refused with 429. */
  floodRefusedShare: number;
}

/** One way of answering a flood, measured over the rounds. */
export interface NoisyNeighbourVariant {
  rounds: NoisyNeighbourRound[];
  medianQuietP99Ms: number;
  medianDuringFloodP99Ms: number;
  /** B's p99 during A's flood over B's quiet p99 in the same round: the promise is 1.5 at most. */
  medianP99Ratio: number;
  medianFloodRequestsPerSecond: number;
  medianFloodRefusedShare: number;
}

/** Each way of answering a flood, measured side by side in the same run. */
export interface NoisyNeighbourResult {
  /** As shipped: repeat refusals held, each school limited to its share of the pool. */
  shipped: NoisyNeighbourVariant;
  /** RATE_LIMIT_REFUSAL_HOLD_MS=0: every refusal answered at once. */
  unheld: NoisyNeighbourVariant;
  /** DB_POOL_SCHOOL_SHARE equal to the pool: one school may take every connection. */
  unshared: NoisyNeighbourVariant;
  holdMs: number;
  poolSize: number;
  schoolShare: number;
}

const HOLD_MS = 1000;

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  ok: number;
  refused: number;
  other: number;
}

async function hammer(
  port: number,
  host: string,
  connections: number,
  durationSeconds: number,
  ownThread = false,
): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/school`,
    connections,
    duration: durationSeconds,
    headers: { host },
    // The flood runs in a worker thread: in the measuring client's own event loop it would
    // delay the reading of B's answers and count that delay as the server's.
    ...(ownThread ? { workers: 1 } : {}),
  });
  const refused = result.statusCodeStats?.['429']?.count ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    refused,
    other: result.non2xx - refused + result.errors,
  };
}

interface Neighbours {
  server: BenchServer;
  noisy: BenchSchool;
  quiet: BenchSchool;
}

/** A server with two schools: A on the trial plan (600 a minute), B on a plan with room. */
async function neighbours(
  databaseUrl: string,
  prefix: string,
  env: Record<string, string>,
): Promise<Neighbours> {
  const server = await startBenchServer(databaseUrl, {
    RATE_LIMITS: 'true',
    RATE_LIMIT_PLATFORM_PER_MINUTE: '100000',
    ...env,
  });
  const [noisy, quiet] = await registerBenchSchools(server.port, 2, prefix);
  const owner = new Client({ connectionString: databaseUrl });
  await owner.connect();
  try {
    await owner.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                 client_requests_per_minute)
       VALUES ('bench-roomy', 'Roomy', 0, false, 100000000, 100000000)
       ON CONFLICT (code) DO NOTHING`,
    );
    await owner.query(
      `UPDATE public.subscriptions SET plan_code = 'bench-roomy'
        WHERE organization_id = (SELECT organization_id FROM public.domains WHERE host = $1)`,
      [quiet.host],
    );
  } finally {
    await owner.end();
  }
  await hammer(server.port, quiet.host, 4, 2); // warm-up
  return { server, noisy, quiet };
}

async function measureRound(
  { server, noisy, quiet }: Neighbours,
  options: NoisyNeighbourOptions,
): Promise<NoisyNeighbourRound> {
  // The server measured before this one may still be sending held refusals: let them end.
  await sleep(HOLD_MS + 500);
  const alone = await hammer(server.port, quiet.host, 4, options.durationSeconds);
  const [flood, busy] = await Promise.all([
    hammer(server.port, noisy.host, options.floodConnections, options.durationSeconds, true),
    hammer(server.port, quiet.host, 4, options.durationSeconds),
  ]);
  if (alone.refused + alone.other + busy.refused + busy.other > 0 || flood.other > 0) {
    throw new Error(
      `unexpected answers: quiet school ${alone.refused + busy.refused} refused, ` +
        `${alone.other + busy.other} other; flood ${flood.other} other than 2xx/429`,
    );
  }
  return {
    quietP99Ms: alone.p99Ms,
    duringFloodP99Ms: busy.p99Ms,
    quietRequestsPerSecond: round(alone.requestsPerSecond, 1),
    duringFloodRequestsPerSecond: round(busy.requestsPerSecond, 1),
    floodRequestsPerSecond: round(flood.requestsPerSecond, 1),
    floodRefusedShare: round(flood.refused / Math.max(1, flood.ok + flood.refused), 3),
  };
}

function summarise(rounds: NoisyNeighbourRound[]): NoisyNeighbourVariant {
  return {
    rounds,
    medianQuietP99Ms: median(rounds.map((x) => x.quietP99Ms)),
    medianDuringFloodP99Ms: median(rounds.map((x) => x.duringFloodP99Ms)),
    medianP99Ratio: round(
      medianRatio(
        rounds,
        (x) => x.duringFloodP99Ms,
        (x) => Math.max(1, x.quietP99Ms),
      ),
      2,
    ),
    medianFloodRequestsPerSecond: median(rounds.map((x) => x.floodRequestsPerSecond)),
    medianFloodRefusedShare: median(rounds.map((x) => x.floodRefusedShare)),
  };
}

const VARIANTS = ['shipped', 'unheld', 'unshared'] as const;
type Variant = (typeof VARIANTS)[number];

/**
 * One school floods the API far past its plan's limits while another, on a plan with room to
 * spare, reads at full speed: B's p99 alone and during A's flood, in the same round. Three
 * servers take turns, in an order that rotates each round: one as shipped, one that answers
 * refusals at once, one that lets a school take the whole pool. So each defence's effect is
 * measured side by side on the same machine.
 */
export async function measureNoisyNeighbour(
  options: NoisyNeighbourOptions,
): Promise<NoisyNeighbourResult> {
  const holdMs = HOLD_MS;
  const poolSize = 10;
  const schoolShare = 5;
  const env: Record<Variant, Record<string, string>> = {
    shipped: { RATE_LIMIT_REFUSAL_HOLD_MS: String(holdMs) },
    unheld: { RATE_LIMIT_REFUSAL_HOLD_MS: '0' },
    unshared: {
      RATE_LIMIT_REFUSAL_HOLD_MS: String(holdMs),
      DB_POOL_SCHOOL_SHARE: String(poolSize),
    },
  };
  const started: Partial<Record<Variant, Neighbours>> = {};
  try {
    for (const variant of VARIANTS) {
      started[variant] = await neighbours(options.databaseUrl, variant, {
        DB_POOL_SIZE: String(poolSize),
        DB_POOL_SCHOOL_SHARE: String(schoolShare),
        ...env[variant],
      });
    }
    const rounds: Record<Variant, NoisyNeighbourRound[]> = {
      shipped: [],
      unheld: [],
      unshared: [],
    };
    for (let r = 0; r < options.rounds; r++) {
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(r + i) % VARIANTS.length];
        rounds[variant].push(await measureRound(started[variant]!, options));
      }
    }
    return {
      shipped: summarise(rounds.shipped),
      unheld: summarise(rounds.unheld),
      unshared: summarise(rounds.unshared),
      holdMs,
      poolSize,
      schoolShare,
    };
  } finally {
    for (const neighbour of Object.values(started)) await neighbour.server.stop();
  }
}
