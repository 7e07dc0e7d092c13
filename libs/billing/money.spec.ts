import {
  formatMajorUnits,
  minorUnitsOf,
  minorUnitsToNumber,
  MoneyFormatError,
  parseMajorUnits,
} from './money';

describe('money', () => {
  it.each([
    ['100', 10_000n],
    ['100.0', 10_000n],
    ['1000.0', 100_000n],
    ['1,000.0', 100_000n],
    ['1,00,000.00', 10_000_000n],
    ['1,000,000', 100_000_000n],
    ['110.5', 11_050n],
    ['0.01', 1n],
    ['0.10', 10n],
    ['12.340', 1_234n],
    [' 250 ', 25_000n],
    ['9007199254740993', 900_719_925_474_099_300n],
  ])('reads %j as %s minor units', (text, minor) => {
    expect(parseMajorUnits(text)).toBe(minor);
  });

  it.each([
    '',
    '1,5',
    '1,0000',
    ',100',
    '100,',
    '1.2.3',
    '-5',
    '1e3',
    '0x10',
    '.5',
    '5.',
    '1.005',
    'NaN',
  ])('refuses %j', (text) => {
    expect(() => parseMajorUnits(text)).toThrow(MoneyFormatError);
  });

  it('never loses a paisa where floating point would', () => {
    // 0.1 + 0.2 and 1.005 * 100 are the classic float surprises.
    expect(parseMajorUnits('0.10') + parseMajorUnits('0.20')).toBe(parseMajorUnits('0.30'));
    expect(parseMajorUnits('1.15')).toBe(115n);
    expect(parseMajorUnits('4.35')).toBe(435n);
  });

  it.each([
    [11_000n, '110'],
    [10_050n, '100.50'],
    [10_005n, '100.05'],
    [1n, '0.01'],
    [0n, '0'],
  ])('writes %s minor units as %j, which reads back the same', (minor, text) => {
    expect(formatMajorUnits(minor)).toBe(text);
    expect(parseMajorUnits(text)).toBe(minor);
  });

  it('converts database and JSON values without floats', () => {
    expect(minorUnitsOf('250000')).toBe(250_000n);
    expect(minorUnitsOf(42)).toBe(42n);
    expect(() => minorUnitsOf('2.5')).toThrow(MoneyFormatError);
    expect(() => minorUnitsOf(0.5)).toThrow(MoneyFormatError);
    expect(minorUnitsToNumber(250_000n)).toBe(250_000);
    expect(() => minorUnitsToNumber(2n ** 60n)).toThrow(MoneyFormatError);
    expect(() => formatMajorUnits(-1n)).toThrow(MoneyFormatError);
  });
});
