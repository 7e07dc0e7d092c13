import autocannon from 'autocannon';
import { Client } from 'pg';
import { registerBenchSchools, startBenchServer } from './harness';
import { median, medianRatio, round } from './stats';

export interface NoisyNeighbourOptions {
  databaseUrl: string;
  rounds: number;
  durationSeconds: number;
  /** Connections flooding school A (as fast as the server answers). */
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

export interface NoisyNeighbourResult {
  rounds: NoisyNeighbourRound[];
  medianQuietP99Ms: number;
  medianDuringFloodP99Ms: number;
  /** B's p99 during A's flood over B's quiet p99: the promise is 1.5 at most. */
  medianP99Ratio: number;
  medianFloodRefusedShare: number;
}

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
): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/school`,
    connections,
    duration: durationSeconds,
    headers: { host },
  });
  const refused = result['4xx'];
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    refused,
    other: result.non2xx - refused + result.errors,
  };
}

/**
 * One school floods the API far past its plan's limits while another, on a plan with room to
 * spare, reads at full speed: B's p99 alone and during A's flood, measured side by side in one
 * run. Rate limits refuse A's excess from memory before it takes a connection or a hash.
 */
export async function measureNoisyNeighbour(
  options: NoisyNeighbourOptions,
): Promise<NoisyNeighbourResult> {
  const server = await startBenchServer(options.databaseUrl, {
    RATE_LIMITS: 'true',
    RATE_LIMIT_PLATFORM_PER_MINUTE: '100000',
  });
  try {
    const [noisy, quiet] = await registerBenchSchools(server.port, 2, 'neighbour');
    // B is a big school within its limits; A stays on the trial plan (600 a minute).
    const owner = new Client({ connectionString: options.databaseUrl });
    await owner.connect();
    try {
      await owner.query(
        `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                   client_requests_per_minute)
         VALUES ('bench-roomy', 'Roomy', 0, false, 100000000, 100000000)`,
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

    const rounds: NoisyNeighbourRound[] = [];
    for (let r = 0; r < options.rounds; r++) {
      const alone = await hammer(server.port, quiet.host, 4, options.durationSeconds);
      const [flood, busy] = await Promise.all([
        hammer(server.port, noisy.host, options.floodConnections, options.durationSeconds),
        hammer(server.port, quiet.host, 4, options.durationSeconds),
      ]);
      if (alone.refused + alone.other + busy.refused + busy.other > 0 || flood.other > 0) {
        throw new Error(
          `unexpected answers: quiet school ${alone.refused + busy.refused} refused, ` +
            `${alone.other + busy.other} other; flood ${flood.other} other than 2xx/429`,
        );
      }
      rounds.push({
        quietP99Ms: alone.p99Ms,
        duringFloodP99Ms: busy.p99Ms,
        quietRequestsPerSecond: round(alone.requestsPerSecond, 1),
        duringFloodRequestsPerSecond: round(busy.requestsPerSecond, 1),
        floodRequestsPerSecond: round(flood.requestsPerSecond, 1),
        floodRefusedShare: round(flood.refused / Math.max(1, flood.ok + flood.refused), 3),
      });
    }
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
      medianFloodRefusedShare: median(rounds.map((x) => x.floodRefusedShare)),
    };
  } finally {
    await server.stop();
  }
}
