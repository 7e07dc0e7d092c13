import 'reflect-metadata';
import { loadConfig } from '@schoolyard/config';
import { prepareDatabase } from '@schoolyard/database';
import { type AddressInfo } from 'node:net';
import { createHttpApp } from '../../apps/api/http-app';
import { BYPASS_SETTINGS, BypassController, BypassTenancy } from './bypass.controller';
import { countWireTraffic, WireCountsController } from './round-trips';

/** The API in a process of its own, so the load generator does not share its event loop. */
async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url || !process.send)
    throw new Error('bench-server is started by the benchmark, not by hand');
  countWireTraffic();
  const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const { urls } = await prepareDatabase(url);
  const app = await createHttpApp(config, urls, {
    controllers: [BypassController, WireCountsController],
    providers: [
      BypassTenancy,
      {
        provide: BYPASS_SETTINGS,
        useValue: {
          url: urls.ownerUrl,
          poolSize: config.pool.size,
        },
      },
    ],
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send({ port: (app.getHttpServer().address() as AddressInfo).port });
  process.once('SIGTERM', () => {
    void Promise.all([app.close(), app.get(BypassTenancy).close()]).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
