import { benchSettings, chosenBenchmarks } from './settings';

describe('benchmark settings', () => {
  it('has short defaults and --full sizes', () => {
    expect(benchSettings([])).toMatchObject({
      full: false,
      registered: 200,
      fleetSchools: 1000,
      migrationSchools: 1000,
    });
    expect(benchSettings(['--full'])).toMatchObject({
      full: true,
      registered: 1000,
      fleetSchools: 10_000,
      migrationSchools: 1000,
    });
  });

  it('takes numbers after flags and keeps the fleet growing in steps', () => {
    const settings = benchSettings(['fleet', '--fleet-schools', '20', '--rounds', '2']);
    expect(settings).toMatchObject({
      rounds: 2,
      fleetSchools: 20,
      migrationSchools: 20,
      registered: 20,
    });
  });

  it('refuses unknown flags and values that are not positive whole numbers', () => {
    expect(() => benchSettings(['--schools', '3'])).toThrow('unknown option --schools');
    expect(() => benchSettings(['--rounds', '0'])).toThrow(
      '--rounds needs a positive whole number',
    );
    expect(() => benchSettings(['--rounds', 'many'])).toThrow('positive whole number');
  });

  it('runs the named benchmarks in their usual order, or the issue six', () => {
    expect(chosenBenchmarks(['logins', '--rounds', '3', 'isolation'])).toEqual([
      'isolation',
      'logins',
    ]);
    expect(chosenBenchmarks(['--full'])).toEqual(['isolation', 'ceiling', 'fleet', 'logins']);
    expect(chosenBenchmarks(['permissions'])).toEqual(['permissions']);
    expect(chosenBenchmarks(['instances', '--connections', '32'])).toEqual(['instances']);
    expect(() => chosenBenchmarks(['fleat'])).toThrow('unknown benchmark fleat');
  });

  it('takes the other checkout of the builds benchmark, and refuses one without the other', () => {
    const argv = ['builds', '--against', '../before', '--rounds', '3'];
    expect(benchSettings(argv)).toMatchObject({ against: '../before', rounds: 3 });
    expect(chosenBenchmarks(argv)).toEqual(['builds']);
    expect(() => benchSettings(['builds', '--against'])).toThrow('--against needs the root');
    expect(() => benchSettings(['builds', '--against', '--rounds', '3'])).toThrow(
      '--against needs the root',
    );
    expect(() => chosenBenchmarks(['builds'])).toThrow('name both');
    expect(() => chosenBenchmarks(['isolation', '--against', '../before'])).toThrow('name both');
  });
});
