import { AppError } from '@schoolyard/common';
import { checkRange } from './date-range';
import { daysBetween, isLocalDate } from './dto/dates.dto';

describe('dates of registers and reports', () => {
  it.each([
    ['2026-11-01', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-06-31', false],
    ['2026-1-01', false],
    ['2026-11-01T00:00:00Z', false],
    [20261101, false],
  ])('reads %p as a date: %p', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });

  it('counts whole calendar days across a daylight-saving change and a leap day', () => {
    expect(daysBetween('2026-10-31', '2026-11-02')).toBe(2);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  });

  it.each([
    ['2026-11-02', '2026-11-01', 'to must not be before from'],
    ['2025-11-01', '2026-11-02', 'the window may cover at most 366 days'],
  ])('refuses the window %s .. %s with 400', (from, to, problem) => {
    let refused: unknown;
    try {
      checkRange(from, to);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 400, details: [{ field: 'to', problems: [problem] }] });
  });

  it('accepts a leap year whole, 366 days', () => {
    expect(() => checkRange('2028-01-01', '2028-12-31')).not.toThrow();
  });
});
