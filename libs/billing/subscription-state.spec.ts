import { effectiveState } from './subscriptions.service';

describe('subscription state', () => {
  const past = new Date(Date.now() - 60_000);
  const future = new Date(Date.now() + 60_000);

  it('turns a running subscription past due once its period has ended', () => {
    expect(effectiveState('trialing', past)).toBe('past_due');
    expect(effectiveState('active', past)).toBe('past_due');
    expect(effectiveState('active', future)).toBe('active');
    expect(effectiveState('trialing', future)).toBe('trialing');
  });

  it('leaves a canceled subscription canceled', () => {
    expect(effectiveState('canceled', past)).toBe('canceled');
  });
});
