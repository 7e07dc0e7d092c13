/**
 * The VTIMEZONE block RFC 5545 asks for each TZID a file uses: the zone's offsets and every
 * change between them over the years the events need, read from the runtime's own zone data
 * (Intl), so no zone library is needed. Changes are listed one by one (no RRULE): exact for
 * the years covered, whatever rules a government adopts later.
 */
export function vtimezone(timeZone: string, fromYear: number, toYear: number): string {
  const offsetAt = offsetReader(timeZone);
  const start = Date.UTC(fromYear, 0, 1);
  const end = Date.UTC(toYear + 1, 0, 1);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const first = offsetAt(start);
  lines.push(...observance('STANDARD', start, first, first));
  // Instants are UTC milliseconds here: stepping a week of them is exact, unlike local dates.
  // Zones change at most twice a year, months apart, so a week holds at most one change.
  const WEEK = 7 * 86_400_000;
  for (let from = start; from < end; from += WEEK) {
    const before = offsetAt(from);
    const after = offsetAt(from + WEEK);
    if (before === after) continue;
    // The change is within this week: narrow it down to the minute.
    let low = from;
    let high = from + WEEK;
    while (high - low > 60_000) {
      const middle = low + Math.floor((high - low) / 120_000) * 60_000;
      if (offsetAt(middle) === before) low = middle;
      else high = middle;
    }
    lines.push(...observance(after > before ? 'DAYLIGHT' : 'STANDARD', high, before, after));
  }
  lines.push('END:VTIMEZONE');
  return lines.map((line) => `${line}\r\n`).join('');
}

/** One observance: from `instant` on, the zone is `to` minutes from UTC (it was `from`). */
function observance(kind: string, instant: number, from: number, to: number): string[] {
  // DTSTART is the wall-clock time just before the change, in the offset it had.
  const local = new Date(instant + from * 60_000).toISOString();
  const stamp = `${local.slice(0, 4)}${local.slice(5, 7)}${local.slice(8, 10)}T${local.slice(11, 13)}${local.slice(14, 16)}${local.slice(17, 19)}`;
  return [
    `BEGIN:${kind}`,
    `DTSTART:${stamp}`,
    `TZOFFSETFROM:${offsetText(from)}`,
    `TZOFFSETTO:${offsetText(to)}`,
    `END:${kind}`,
  ];
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const whole = Math.abs(minutes);
  return `${sign}${String(Math.floor(whole / 60)).padStart(2, '0')}${String(whole % 60).padStart(2, '0')}`;
}

/** Minutes east of UTC in `timeZone` at an instant. */
function offsetReader(timeZone: string): (instant: number) => number {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  return (instant) => {
    const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName');
    const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name?.value ?? '');
    if (!match) throw new Error(`no UTC offset for ${timeZone}`);
    if (!match[1]) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return match[1] === '-' ? -minutes : minutes;
  };
}
