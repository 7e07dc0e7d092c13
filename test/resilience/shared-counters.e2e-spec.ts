import { type AppConfig, loadConfig } from '@schoolyard/config';
import { SharedThrottle } from '../../libs/identity/shared-throttle';
import { SharedBuckets, SharedState } from '@schoolyard/rate-limits';
import { randomBytes } from 'node:crypto';
import { machineRedisUrl } from '../support/redis-server';

/**
 * The sign-in throttle and the rate-limit buckets count in one Redis, over one connection, with
 * opposite expiry rules: a throttle's failures are forgotten from the last one (its key's
 * expiry is set again at each failure), a bucket's window ends a period after its first
 * request. Each keeps its own rule whichever was made first: a bucket of a new size is made at
 * the first request of a school on a new plan, long after the throttle.
 */
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('shared counters in one Redis', () => {
  let state: SharedState;

  beforeAll(async () => {
    const config: AppConfig = loadConfig({ REDIS_URL: machineRedisUrl() });
    state = new SharedState(config);
    // Commands are not queued while connecting: they would fall back to memory.
    while (!state.up) await sleep(20);
  });
  afterAll(() => state.onModuleDestroy());

  const ttlOf = (key: string) => state.redis!.pttl(key);

  it('keeps a sign-in failure count from its last failure after a bucket of a new size is made', async () => {
    const rule = { free: 1, capSeconds: 300, forgetAfterSeconds: 900 };
    const throttle = new SharedThrottle(rule, `probe-${randomBytes(4).toString('hex')}`, state);
    const buckets = new SharedBuckets(`probe-${randomBytes(4).toString('hex')}`, state);
    // Made after the throttle, as in a running API.
    await buckets.take('school', 7 + Math.floor(Math.random() * 1000));

    const key = `someone:${randomBytes(4).toString('hex')}`;
    await throttle.fail(key);
    await sleep(2100);
    await throttle.fail(key);
    // Two failures, the last just now: the second failure's wait (2 s) is still all to come.
    expect(await throttle.waitSeconds(key)).toBe(2);
    const [stored] = await state.redis!.keys(`sy:signin:*:${key}`);
    expect(await ttlOf(stored)).toBeGreaterThan(900_000 - 1000);
  }, 20_000);

  it("ends a bucket's window a period after its first request after a throttle is made", async () => {
    const name = `probe-${randomBytes(4).toString('hex')}`;
    const buckets = new SharedBuckets(name, state);
    const limit = 1000 + Math.floor(Math.random() * 1000);
    await buckets.take('school', limit, 60_000);
    // A throttle made after the bucket, as when another module's throttle comes later.
    const throttle = new SharedThrottle(
      { free: 5, capSeconds: 60, forgetAfterSeconds: 60 },
      `late-${name}`,
      state,
    );
    await throttle.fail('anyone');
    await sleep(2100);
    await buckets.take('school', limit, 60_000);
    const [stored] = await state.redis!.keys(`sy:rl:${name}:*school`);
    expect(await ttlOf(stored)).toBeLessThan(60_000 - 2000);
    expect(await ttlOf(stored)).toBeGreaterThan(0);
  }, 20_000);
});
