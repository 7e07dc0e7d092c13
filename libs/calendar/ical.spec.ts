import { type EventView } from './dto/events.dto';
import { buildIcs, daysInclusive } from './ical';

const school = { name: 'Oxford High', host: 'oxford.example.com', timezone: 'America/New_York' };

const event = (fields: Partial<EventView>): EventView => ({
  id: '5d1c7a52-2f7e-4b8e-9d07-1a2b3c4d5e6f',
  kind: 'event',
  title: 'Event',
  description: null,
  startsOn: '2026-11-01',
  endsOn: '2026-11-01',
  startTime: null,
  endTime: null,
  audience: 'everyone',
  createdBy: null,
  createdAt: new Date('2026-10-01T12:00:00Z'),
  updatedAt: new Date('2026-10-02T12:00:00Z'),
  ...fields,
});

/** ical-generator's date handling pinned: the wall clock goes out as written, whatever TZ. */
describe('buildIcs', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it.each(['UTC', 'Asia/Kathmandu', 'Pacific/Honolulu', 'America/New_York'])(
    'writes the same local times on a server in %s',
    (serverZone) => {
      process.env.TZ = serverZone;
      const text = buildIcs(school, [
        event({ kind: 'holiday', startsOn: '2026-12-31', endsOn: '2027-01-01' }),
        event({
          id: '6e2d8b63-3f8f-4c9f-8e18-2b3c4d5e6f70',
          kind: 'parents_meeting',
          startTime: '01:30',
          endTime: '02:30',
        }),
      ]);
      expect(text).toContain('DTSTART;VALUE=DATE:20261231\r\n');
      expect(text).toContain('DTEND;VALUE=DATE:20270102\r\n');
      // 01:30 happens twice in New York that night; the school's TZID says which clock.
      expect(text).toContain('DTSTART;TZID=America/New_York:20261101T013000\r\n');
      expect(text).toContain('DTEND;TZID=America/New_York:20261101T023000\r\n');
      expect(text).toContain('UID:6e2d8b63-3f8f-4c9f-8e18-2b3c4d5e6f70@oxford.example.com\r\n');
      expect(text).toContain('LAST-MODIFIED:20261002T120000Z\r\n');
      expect(text).toMatch(/^DTSTAMP:\d{8}T\d{6}Z\r$/m);
      expect(text).toContain('X-WR-TIMEZONE:America/New_York\r\n');
    },
  );

  it('describes the school zone and its 2026 changes in a VTIMEZONE before the events', () => {
    const text = buildIcs(school, [event({ startTime: '18:00', endTime: '20:00' })]);
    const zone = text.slice(text.indexOf('BEGIN:VTIMEZONE'), text.indexOf('END:VTIMEZONE'));
    expect(text.indexOf('END:VTIMEZONE')).toBeLessThan(text.indexOf('BEGIN:VEVENT'));
    expect(zone).toContain('TZID:America/New_York\r\n');
    // Clocks go forward at 02:00 on 8 March and back at 02:00 on 1 November 2026.
    expect(zone).toContain(
      'BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n',
    );
    expect(zone).toContain(
      'BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n',
    );
    expect(zone.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toHaveLength(3);
    // A zone without daylight saving, at a quarter-hour offset.
    const kathmandu = buildIcs({ ...school, timezone: 'Asia/Kathmandu' }, [
      event({ startTime: '18:00', endTime: '20:00' }),
    ]);
    expect(kathmandu).toContain('TZOFFSETTO:+0545\r\n');
    expect(kathmandu.match(/BEGIN:(STANDARD|DAYLIGHT)/g)).toHaveLength(1);
  });

  it('writes a school in UTC with UTC times', () => {
    const text = buildIcs({ ...school, timezone: 'UTC' }, [
      event({ startTime: '09:00', endTime: '10:00' }),
    ]);
    expect(text).toContain('DTSTART:20261101T090000Z\r\n');
    expect(text).not.toContain('VTIMEZONE');
  });

  it('counts days over a daylight-saving change as days', () => {
    expect(daysInclusive('2026-10-31', '2026-11-02')).toBe(3);
    expect(daysInclusive('2026-03-07', '2026-03-09')).toBe(3);
    expect(daysInclusive('2026-11-02', '2026-11-01')).toBe(0);
  });
});
