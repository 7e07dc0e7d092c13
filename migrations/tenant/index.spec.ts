import { tenantMigrations } from './index';

describe('tenant migration list', () => {
  it('is ordered by timestamp with unique names', () => {
    const names = tenantMigrations.map((Migration) => new Migration().name);
    const stamps = names.map((name) => Number(/(\d{13})$/.exec(name)?.[1]));
    expect(stamps.every((stamp) => Number.isFinite(stamp))).toBe(true);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(names).size).toBe(names.length);
  });
});
