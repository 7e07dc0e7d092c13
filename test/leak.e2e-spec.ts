import { type School } from '@schoolyard/tenancy';
import { expectNoLeak, LEAK_CONNECT_TIMEOUT_MS, leakSchools } from './support/leak-check';
import { LeakProbeController } from './support/leak-probe.controller';
import { createTestApp, type TestApp } from './support/test-app';

const SCHOOLS = 50;
const POOL_SIZE = 8;

describe('no leak between schools under concurrency', () => {
  let t: TestApp;
  let schools: School[];
  let port: number;

  beforeAll(async () => {
    t = await createTestApp(
      { DB_POOL_SIZE: String(POOL_SIZE), DB_CONNECT_TIMEOUT_MS: LEAK_CONNECT_TIMEOUT_MS },
      [LeakProbeController],
    );
    ({ schools, port } = await leakSchools(t, SCHOOLS));
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('answers every request with its own school only, and returns every connection clean', async () => {
    await expectNoLeak(t, schools, port, { requests: 5000, concurrency: 64, poolSize: POOL_SIZE });
  }, 180_000);
});
