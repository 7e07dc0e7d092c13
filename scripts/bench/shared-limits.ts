import { createThrowawayDatabase } from '@schoolyard/database';
import { Client } from 'pg';
import { compareAbba } from './abba';
import { CpuTally } from './cpu';
import { load, registerBenchSchools, startBenchServer } from './harness';

/**
 * What sharing the rate limits through Redis costs a request: the same API twice on one
 * database, limits on in both, one counting in memory and one in Redis (REDIS_URL, default
 * the machine's at 127.0.0.1:6379), measured side by side in ABBA rounds. A school read
 * spends two allowances (its client's and the school's): two Redis round trips in the Redis
 * arm, none in the memory arm. The plan's limits are far above the load, so nothing is refused.
 *
 * `npm run -s build && node dist/scripts/bench/shared-limits.js [rounds] [seconds]`
 */
async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const durationSeconds = Number(process.argv[3] ?? 3);
  const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  const database = await createThrowawayDatabase(
    'bench',
    process.env.DATABASE_URL?.trim() || undefined,
  );
  const limitsOn = { RATE_LIMITS: 'true', RATE_LIMIT_PLATFORM_PER_MINUTE: '1000000' };
  const memory = await startBenchServer(database.url, limitsOn);
  const redis = await startBenchServer(database.url, { ...limitsOn, REDIS_URL: redisUrl });
  try {
    const [school] = await registerBenchSchools(memory.port, 1, 'shared');
    const owner = new Client({ connectionString: database.url });
    await owner.connect();
    await owner.query(
      `INSERT INTO public.plans (code, name, price_minor, purchasable, requests_per_minute,
                                 client_requests_per_minute)
       VALUES ('unlimited-bench', 'Bench', 0, false, 100000000, 100000000)`,
    );
    await owner.query(`UPDATE public.subscriptions SET plan_code = 'unlimited-bench'`);
    await owner.end();
    const servers = { memory, redis };
    const arms = ['redis', 'memory'] as const;
    // Saturated (32 connections): throughput and the API's CPU per request. One connection:
    // each request waits for the previous one, so 1/throughput is the latency of one request.
    for (const connections of [32, 1]) {
      const cpuMemory = new CpuTally<'memory'>(memory.pid, database.url);
      const cpuRedis = new CpuTally<'redis'>(redis.pid, database.url);
      const result = await compareAbba(
        arms,
        (arm, seconds) => {
          const run = () =>
            load(servers[arm].port, {
              path: '/api/school',
              hosts: [school.host],
              connections,
              durationSeconds: seconds,
            });
          return arm === 'memory' ? cpuMemory.measure(arm, run) : cpuRedis.measure(arm, run);
        },
        { rounds, durationSeconds },
      );
      const { median } = result;
      const us = (rps: number) => Math.round(1e6 / rps);
      const apiUs = (arm: 'memory' | 'redis') =>
        (arm === 'memory'
          ? cpuMemory.medians(['memory'])?.memory.apiUs
          : cpuRedis.medians(['redis'])?.redis.apiUs) ?? 'n/a';
      process.stdout.write(
        `GET /api/school, anonymous, ${connections} connection(s), ${rounds} ABBA rounds of ${durationSeconds} s (medians):\n` +
          `  memory: ${median.memory.requestsPerSecond} req/s (${us(median.memory.requestsPerSecond)} µs/request), p99 ${median.memory.p99Ms} ms, API CPU ${apiUs('memory')} µs/request\n` +
          `  redis:  ${median.redis.requestsPerSecond} req/s (${us(median.redis.requestsPerSecond)} µs/request), p99 ${median.redis.p99Ms} ms, API CPU ${apiUs('redis')} µs/request\n` +
          `  median of per-round throughput ratios redis/memory: ${result.medianRatio}\n\n`,
      );
    }
  } finally {
    await memory.stop();
    await redis.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
