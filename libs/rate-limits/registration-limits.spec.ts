import { loadConfig } from '@schoolyard/config';
import { type AppError } from '@schoolyard/common';
import { Metrics } from '@schoolyard/metrics';
import { RegistrationLimits } from './registration-limits';
import { SharedState } from './shared-state';

function refusal(take: () => void): AppError | undefined {
  try {
    take();
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('RegistrationLimits', () => {
  // Without REDIS_URL: the memory buckets, answered synchronously.
  const limits = (env: Record<string, string>) => {
    const config = loadConfig(env);
    return new RegistrationLimits(config, new SharedState(config), new Metrics());
  };

  it('refuses an address past its hourly allowance, and the platform past its own', () => {
    const registrations = limits({
      REGISTRATION_PER_ADDRESS_PER_HOUR: '2',
      REGISTRATION_PER_HOUR: '3',
    });
    registrations.take('192.0.2.1', 0);
    registrations.take('192.0.2.1', 0);
    const address = refusal(() => registrations.take('192.0.2.1', 0));
    expect(address).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      details: { scope: 'registration-address' },
    });
    // Two an hour: the next one in half an hour (give or take the rounding up of a second).
    const wait = Number(address?.headers['Retry-After']);
    expect(wait).toBeGreaterThanOrEqual(1800);
    expect(wait).toBeLessThanOrEqual(1801);
    registrations.take('192.0.2.2', 0);
    const platform = refusal(() => registrations.take('192.0.2.3', 0));
    expect(platform).toMatchObject({ details: { scope: 'registration-platform' } });
    // The refused address was not charged: after the platform refills it has both its own.
    registrations.take('192.0.2.3', 3_600_000);
    expect(refusal(() => registrations.take('192.0.2.3', 3_600_000))).toBeUndefined();
  });

  it('is off with the other limits when RATE_LIMITS=false', () => {
    const registrations = limits({ RATE_LIMITS: 'false', REGISTRATION_PER_ADDRESS_PER_HOUR: '1' });
    for (let i = 0; i < 5; i++)
      expect(refusal(() => registrations.take('192.0.2.1', 0))).toBeUndefined();
  });
});
