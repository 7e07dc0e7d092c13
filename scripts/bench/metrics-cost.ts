import 'reflect-metadata';
import { createThrowawayDatabase } from '@schoolyard/database';
import { Metrics } from '@schoolyard/metrics';
import { randomBytes } from 'node:crypto';
import { compareAbba } from './abba';
import { CpuTally } from './cpu';
import { load, registerBenchSchools, signIn, startBenchServer } from './harness';
import { median, round } from './stats';

type Arm = 'on' | 'off';

/** Nanoseconds per recorded request in this process, the hook's work alone. */
function observeCostNs(): number {
  const metrics = new Metrics();
  const routes = ['/api/school', '/api/students', '/api/students/:id', '/api/auth/login'];
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const calls = 500_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      metrics.observeRequest('GET', routes[i & 3], i % 50 === 0 ? 404 : 200, (i % 97) / 1000);
    }
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  return round(median(samples), 0);
}

/**
 * What metrics cost a request: `GET /api/school` (the cheapest signed-in read, so the largest
 * share) on two API processes over one database, one with METRICS_PORT set and one without,
 * in ABBA rounds. `npm run -s build && node dist/scripts/bench/metrics-cost.js [rounds] [seconds]`.
 */
async function main(): Promise<void> {
  const [rounds = 6, durationSeconds = 5] = process.argv.slice(2).map(Number);
  const database = await createThrowawayDatabase(
    'metrics',
    process.env.DATABASE_URL?.trim() || undefined,
  );
  const servers: Partial<Record<Arm, Awaited<ReturnType<typeof startBenchServer>>>> = {};
  try {
    servers.on = await startBenchServer(database.url, {
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_TOKEN: randomBytes(24).toString('hex'),
    });
    servers.off = await startBenchServer(database.url);
    const [school] = await registerBenchSchools(servers.off.port, 1, 'metrics');
    const tallies = {
      on: new CpuTally<Arm>(servers.on.pid, database.url),
      off: new CpuTally<Arm>(servers.off.pid, database.url),
    };
    const headers = {
      on: await signIn(servers.on.port, school),
      off: await signIn(servers.off.port, school),
    };
    const comparison = await compareAbba<Arm>(
      ['on', 'off'],
      (arm, seconds) =>
        tallies[arm].measure(arm, () =>
          load(servers[arm]!.port, {
            path: '/api/school',
            hosts: [school.host],
            headers: [headers[arm]],
            connections: 16,
            durationSeconds: seconds,
          }),
        ),
      { rounds, durationSeconds },
    );
    const cpu = { on: tallies.on.medians(['on']), off: tallies.off.medians(['off']) };
    process.stdout.write(
      `${JSON.stringify(
        {
          rounds: comparison.rounds,
          median: comparison.median,
          throughputRatioOnOverOff: comparison.medianRatio,
          apiCpuUsPerRequest: { on: cpu.on?.on.apiUs, off: cpu.off?.off.apiUs },
          observeNsPerRequest: observeCostNs(),
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await servers.on?.stop();
    await servers.off?.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
