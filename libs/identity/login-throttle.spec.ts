import { Throttle } from './login-throttle';

describe('sign-in throttle', () => {
  const rule = { free: 5, capSeconds: 300, forgetAfterSeconds: 900 };

  it('lets the free allowance through, then doubles the wait up to the cap', () => {
    const throttle = new Throttle(rule);
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(throttle.waitSeconds('k', t0)).toBe(0);
      throttle.fail('k', t0);
    }
    expect(throttle.waitSeconds('k', t0)).toBe(1);
    throttle.fail('k', t0);
    expect(throttle.waitSeconds('k', t0)).toBe(2);
    for (let i = 0; i < 20; i++) throttle.fail('k', t0);
    expect(throttle.waitSeconds('k', t0)).toBe(300);
    expect(throttle.waitSeconds('k', t0 + 300_000)).toBe(0);
  });

  it('forgets after a quiet period and on success', () => {
    const throttle = new Throttle(rule);
    for (let i = 0; i < 8; i++) throttle.fail('a', 0);
    expect(throttle.waitSeconds('a', 1000)).toBeGreaterThan(0);
    expect(throttle.waitSeconds('a', 901_000)).toBe(0);
    for (let i = 0; i < 8; i++) throttle.fail('b', 0);
    throttle.succeed('b');
    expect(throttle.waitSeconds('b', 0)).toBe(0);
  });

  it('keeps keys apart', () => {
    const throttle = new Throttle(rule);
    for (let i = 0; i < 9; i++) throttle.fail('attacker', 0);
    expect(throttle.waitSeconds('real user', 0)).toBe(0);
  });
});

describe('sign-in throttle with a first wait', () => {
  it('locks a key out for the first wait once the allowance is spent, then doubles it', () => {
    const throttle = new Throttle({
      free: 10,
      firstWaitSeconds: 300,
      capSeconds: 3600,
      forgetAfterSeconds: 86_400,
    });
    for (let i = 0; i < 10; i++) {
      expect(throttle.waitSeconds('device', 0)).toBe(0);
      throttle.fail('device', 0);
    }
    expect(throttle.waitSeconds('device', 0)).toBe(300);
    expect(throttle.waitSeconds('device', 299_000)).toBe(1);
    expect(throttle.waitSeconds('device', 300_000)).toBe(0);
    throttle.fail('device', 300_000);
    expect(throttle.waitSeconds('device', 300_000)).toBe(600);
  });
});
