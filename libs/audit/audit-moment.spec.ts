import { isAuditMoment } from './dto/audit-events.dto';

describe('isAuditMoment', () => {
  it.each([
    '2026-11-30',
    '2024-02-29',
    '2026-11-30T08:00Z',
    '2026-11-30T08:00:00+15:59',
    '2026-11-30T08:00:00-14:00',
    '2026-11-30T08:00:00Z',
    '2026-11-30T08:00:00.123456+05:45',
    '2026-11-30T23:59:59-0300',
  ])('accepts %s', (value) => expect(isAuditMoment(value)).toBe(true));

  it.each([
    '2026-02-30',
    '2025-02-29',
    '0000-01-01',
    '2026-W48',
    '2026-334',
    '20261130',
    '2026-11',
    '2026-11-30T24:00:00Z',
    // PostgreSQL refuses offsets past ±15:59 (a 500 before); no offset is ambiguous.
    '2026-11-30T08:00:00+16:00',
    '2026-11-30T08:00:00-23:59',
    '2026-11-30T08:00',
    '2026-11-30T08:00:00',
    '2026-11-30 08:00',
    '2026-11-30T08:00:00.1234567Z',
    'yesterday',
    '',
    42,
  ])('refuses %s', (value) => expect(isAuditMoment(value)).toBe(false));
});
