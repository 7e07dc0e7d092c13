import { bodyOf, caller, type Method, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { type CampusMember, withIds } from './support/refusals';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface Year {
  id: string;
  name: string;
  startsOn: string;
  endsOn: string;
  isCurrent: boolean;
}
interface Term {
  id: string;
  academicYearId: string;
  name: string;
}
interface CalendarEvent {
  id: string;
  title: string;
  audience: string;
  createdBy: string | null;
}
interface CalendarBody {
  timezone: string;
  restDays: number[];
  days: Array<{
    date: string;
    schoolDay: boolean;
    reason: string | null;
    academicYearId: string | null;
    termId: string | null;
  }>;
  academicYears: Year[];
  terms: Term[];
  events: CalendarEvent[];
}

/**
 * The school calendar through HTTP: years, terms, events, the day-by-day calendar and the
 * .ics feed of a campus in New York (daylight saving ends there on 2026-11-01), what its
 * people may see and do, and that another school sees none of it.
 */
describe('The school calendar', () => {
  let t: TestApp;
  let c: Campus;
  const call = caller(() => t);
  const ids: Record<string, string> = {};

  const as = (who: CampusMember): SignedIn => (who === 'owner' ? c.owner : c.as[who]);
  const send = (who: CampusMember, method: Method, url: string, payload?: object) =>
    call(c.school, as(who), method, withIds(url, ids), payload && withIds(payload, ids));
  const ok = async <T = Record<string, unknown>>(
    who: CampusMember,
    method: Method,
    url: string,
    payload?: object,
    status = method === 'POST' ? 201 : 200,
  ) => bodyOf<T>(await send(who, method, url, payload), status);

  beforeAll(async () => {
    t = await createTestApp();
    c = await campus(t);
    ids.year2025 = c.academicYear.id;
    // New York: daylight saving ends on Sunday 2026-11-01. The school rests on Saturdays only.
    await ok('owner', 'PATCH', '/api/school', {
      timezone: 'America/New_York',
      restDays: [6],
      attendanceEditDays: 3,
    });
    const year = await ok<Year>('owner', 'POST', '/api/calendar/academic-years', {
      name: '2026-2027',
      startsOn: '2026-07-01',
      endsOn: '2027-06-30',
    });
    ids.year2026 = year.id;
    ids.autumn = (
      await ok<Term>('owner', 'POST', '/api/calendar/academic-years/{year2026}/terms', {
        name: 'Autumn',
        startsOn: '2026-09-01',
        endsOn: '2026-12-18',
      })
    ).id;
    const event = (payload: object) =>
      ok<CalendarEvent>('owner', 'POST', '/api/calendar/events', payload);
    ids.holiday = (
      await event({
        kind: 'holiday',
        title: 'Founders day',
        startsOn: '2026-11-02',
        endsOn: '2026-11-02',
      })
    ).id;
    ids.meeting = (
      await event({
        kind: 'parents_meeting',
        title: 'Parents evening',
        description: 'Grade 7, hall; bring, please, the reports',
        startsOn: '2026-11-01',
        endsOn: '2026-11-01',
        startTime: '18:00',
        endTime: '20:00',
        audience: 'guardians',
      })
    ).id;
    ids.exams = (
      await event({
        kind: 'exam_period',
        title: 'Mid-term exams',
        startsOn: '2026-11-09',
        endsOn: '2026-11-11',
        startTime: '09:00',
        endTime: '12:00',
        audience: 'students',
      })
    ).id;
    ids.staffDay = (
      await event({
        kind: 'event',
        title: 'Staff planning',
        startsOn: '2026-11-03',
        endsOn: '2026-11-03',
        audience: 'staff',
      })
    ).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('shows each day: rest day, school day on Sunday, holiday, its year and term', async () => {
    const body = await ok<CalendarBody>(
      'owner',
      'GET',
      '/api/calendar?from=2026-10-31&to=2026-11-03',
    );
    expect(body).toMatchObject({ timezone: 'America/New_York', restDays: [6] });
    expect(body.days).toEqual([
      {
        date: '2026-10-31',
        schoolDay: false,
        reason: 'rest_day',
        academicYearId: ids.year2026,
        termId: ids.autumn,
      },
      {
        date: '2026-11-01',
        schoolDay: true,
        reason: null,
        academicYearId: ids.year2026,
        termId: ids.autumn,
      },
      {
        date: '2026-11-02',
        schoolDay: false,
        reason: 'holiday',
        academicYearId: ids.year2026,
        termId: ids.autumn,
      },
      {
        date: '2026-11-03',
        schoolDay: true,
        reason: null,
        academicYearId: ids.year2026,
        termId: ids.autumn,
      },
    ]);
    expect(body.academicYears.map((year) => year.id)).toEqual([ids.year2026]);
    expect(body.terms.map((term) => term.id)).toEqual([ids.autumn]);
    expect(body.events.map((event) => event.title)).toEqual([
      'Parents evening',
      'Founders day',
      'Staff planning',
    ]);
    // Written by the owner's profile in this school.
    const owner = await withOwnerClient((db) =>
      db.query<{ id: string }>(
        `SELECT id FROM "school_${c.school.slug}".profiles WHERE user_id = $1`,
        [c.school.ownerUserId],
      ),
    );
    expect(body.events.map((event) => event.createdBy)).toEqual([
      owner.rows[0].id,
      owner.rows[0].id,
      owner.rows[0].id,
    ]);
  });

  it('shows a coming day as a school day: only attendance refuses the future', async () => {
    const far = await ok<Year>('owner', 'POST', '/api/calendar/academic-years', {
      name: '2099-2100',
      startsOn: '2099-07-01',
      endsOn: '2100-06-30',
    });
    const body = await ok<CalendarBody>(
      'owner',
      'GET',
      '/api/calendar?from=2099-09-07&to=2099-09-12',
    );
    expect(body.days.map((day) => [day.date, day.reason])).toEqual([
      ['2099-09-07', null],
      ['2099-09-08', null],
      ['2099-09-09', null],
      ['2099-09-10', null],
      ['2099-09-11', null],
      ['2099-09-12', 'rest_day'],
    ]);
    expect(body.days[0].academicYearId).toBe(far.id);
    expect(
      (await send('owner', 'DELETE', `/api/calendar/academic-years/${far.id}`)).statusCode,
    ).toBe(204);
  });

  it('shows each person the events of their audience', async () => {
    const titles = async (who: CampusMember) =>
      (
        await ok<CalendarBody>(who, 'GET', '/api/calendar?from=2026-10-01&to=2026-11-30')
      ).events.map((event) => event.title);
    expect(await titles('ana')).toEqual(['Founders day', 'Mid-term exams']);
    expect(await titles('gwen')).toEqual(['Parents evening', 'Founders day']);
    expect(await titles('ines')).toEqual([
      'Parents evening',
      'Founders day',
      'Staff planning',
      'Mid-term exams',
    ]);
    expect((await send('ana', 'GET', '/api/calendar/events/{staffDay}')).statusCode).toBe(404);
    const page = await ok<Page<CalendarEvent>>('ana', 'GET', '/api/calendar/events?kind=holiday');
    expect(page.data.map((event) => event.id)).toEqual([ids.holiday]);
  });

  it('writes an .ics with whole days as dates and timed events in the school time zone', async () => {
    const response = await send('ines', 'GET', '/api/calendar.ics?from=2026-10-01&to=2026-11-30');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = response.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text.match(/^BEGIN:VEVENT\r$/gm)).toHaveLength(4);
    expect(text).toContain('X-WR-TIMEZONE:America/New_York');
    const host = `${c.school.slug}.`;
    expect(text).toContain(`UID:${ids.holiday}@${host}`);
    // A holiday is a whole day: DATE values, the end the day after (exclusive).
    const holiday = vevent(text, ids.holiday);
    expect(holiday).toContain('DTSTART;VALUE=DATE:20261102\r\n');
    expect(holiday).toContain('DTEND;VALUE=DATE:20261103\r\n');
    // On the day daylight saving ends, 18:00 stays 18:00 in New York.
    const meeting = vevent(text, ids.meeting);
    expect(meeting).toContain('DTSTART;TZID=America/New_York:20261101T180000\r\n');
    expect(meeting).toContain('DTEND;TZID=America/New_York:20261101T200000\r\n');
    const exams = vevent(text, ids.exams);
    expect(exams).toContain('DTSTART;TZID=America/New_York:20261109T090000\r\n');
    expect(exams).toContain('RRULE:FREQ=DAILY;COUNT=3');
    // A student's feed leaves out what is not meant for students.
    const anas = (await send('ana', 'GET', '/api/calendar.ics?from=2026-10-01&to=2026-11-30')).body;
    expect(anas.match(/^BEGIN:VEVENT\r$/gm)).toHaveLength(2);
    expect(anas).not.toContain(ids.staffDay);
  });

  it('defaults the .ics to the current academic year', async () => {
    await ok('owner', 'POST', '/api/calendar/academic-years/{year2026}/make-current', {}, 200);
    const text = (await send('owner', 'GET', '/api/calendar.ics')).body;
    expect(text.match(/^BEGIN:VEVENT\r$/gm)).toHaveLength(4);
  });

  it('keeps exactly one year current', async () => {
    await ok('owner', 'POST', '/api/calendar/academic-years/{year2025}/make-current', {}, 200);
    await ok('owner', 'POST', '/api/calendar/academic-years/{year2026}/make-current', {}, 200);
    const years = await ok<Year[]>('owner', 'GET', '/api/calendar/academic-years');
    expect(years.filter((year) => year.isCurrent).map((year) => year.id)).toEqual([ids.year2026]);
    expect(years.map((year) => year.name)).toEqual(['2025-2026', '2026-2027']);
  });

  it('moves a term and a year within the rules, and deletes what nothing uses', async () => {
    const spring = await ok<Term>(
      'owner',
      'POST',
      '/api/calendar/academic-years/{year2026}/terms',
      {
        name: 'Spring',
        startsOn: '2027-01-04',
        endsOn: '2027-04-01',
      },
    );
    await ok('owner', 'PATCH', `/api/calendar/terms/${spring.id}`, { endsOn: '2027-04-09' });
    const terms = await ok<Term[]>('owner', 'GET', '/api/calendar/academic-years/{year2026}/terms');
    expect(terms.map((term) => term.name)).toEqual(['Autumn', 'Spring']);
    expect((await send('owner', 'DELETE', `/api/calendar/terms/${spring.id}`)).statusCode).toBe(
      204,
    );
    const year = await ok<Year>('owner', 'PATCH', '/api/calendar/academic-years/{year2026}', {
      endsOn: '2027-06-25',
    });
    expect(year).toMatchObject({ startsOn: '2026-07-01', endsOn: '2027-06-25', isCurrent: true });
    const event = await ok<CalendarEvent>('owner', 'PATCH', '/api/calendar/events/{exams}', {
      title: 'Mid-term examinations',
      startTime: null,
      endTime: null,
    });
    expect(event).toMatchObject({ title: 'Mid-term examinations', startTime: null, endTime: null });
  });

  const REFUSALS: Array<[CampusMember, Method, string, object | undefined, number, string]> = [
    // Overlapping, misplaced or duplicate years and terms.
    [
      'owner',
      'POST',
      '/api/calendar/academic-years',
      { name: 'Long', startsOn: '2026-06-01', endsOn: '2027-05-31' },
      409,
      'ACADEMIC_YEAR_OVERLAP',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/academic-years',
      { name: '2026-2027 ', startsOn: '2030-07-01', endsOn: '2031-06-30' },
      409,
      'ACADEMIC_YEAR_NAME_TAKEN',
    ],
    [
      'owner',
      'PATCH',
      '/api/calendar/academic-years/{year2026}',
      { startsOn: '2026-06-30' },
      409,
      'ACADEMIC_YEAR_OVERLAP',
    ],
    [
      'owner',
      'PATCH',
      '/api/calendar/academic-years/{year2026}',
      { endsOn: '2026-11-30' },
      409,
      'TERMS_OUTSIDE_YEAR',
    ],
    ['owner', 'DELETE', '/api/calendar/academic-years/{year2025}', undefined, 409, 'IN_USE'],
    [
      'owner',
      'POST',
      '/api/calendar/academic-years/{year2026}/terms',
      { name: 'Winter', startsOn: '2026-12-01', endsOn: '2027-02-01' },
      409,
      'TERM_OVERLAP',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/academic-years/{year2026}/terms',
      { name: 'Summer', startsOn: '2027-06-01', endsOn: '2027-07-15' },
      409,
      'TERM_OUTSIDE_YEAR',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/academic-years/{year2026}/terms',
      { name: 'autumn', startsOn: '2027-01-04', endsOn: '2027-02-01' },
      409,
      'TERM_NAME_TAKEN',
    ],
    [
      'owner',
      'PATCH',
      '/api/calendar/terms/{autumn}',
      { startsOn: '2026-06-01' },
      409,
      'TERM_OUTSIDE_YEAR',
    ],
    // Bad input: 400, nothing written.
    [
      'owner',
      'POST',
      '/api/calendar/academic-years',
      { name: 'Backwards', startsOn: '2040-07-01', endsOn: '2040-06-30' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/academic-years',
      { name: 'No such day', startsOn: '2041-02-30', endsOn: '2041-06-30' },
      400,
      'VALIDATION_FAILED',
    ],
    ['owner', 'PATCH', '/api/calendar/academic-years/{year2026}', {}, 400, 'NOTHING_TO_CHANGE'],
    [
      'owner',
      'PATCH',
      '/api/calendar/academic-years/{year2026}',
      { name: null },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/events',
      {
        kind: 'holiday',
        title: 'Half day',
        startsOn: '2026-11-20',
        endsOn: '2026-11-20',
        startTime: '08:00',
        endTime: '12:00',
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/events',
      {
        kind: 'event',
        title: 'Play',
        startsOn: '2026-11-20',
        endsOn: '2026-11-20',
        startTime: '18:00',
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/events',
      {
        kind: 'event',
        title: 'Play',
        startsOn: '2026-11-20',
        endsOn: '2026-11-20',
        startTime: '18:00',
        endTime: '24:00',
      },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/events',
      { kind: 'party', title: 'Play', startsOn: '2026-11-20', endsOn: '2026-11-20' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'POST',
      '/api/calendar/events',
      { kind: 'event', title: 'Play', startsOn: '2026-11-20', endsOn: '2026-11-19' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'PATCH',
      '/api/calendar/events/{meeting}',
      { kind: 'closure' },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'GET',
      '/api/calendar?from=2026-01-01&to=2027-01-02',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    [
      'owner',
      'GET',
      '/api/calendar?from=2026-11-02&to=2026-11-01',
      undefined,
      400,
      'VALIDATION_FAILED',
    ],
    ['owner', 'GET', '/api/calendar?from=2026-11-02', undefined, 400, 'VALIDATION_FAILED'],
    ['owner', 'GET', '/api/calendar.ics?from=2026-11-02', undefined, 400, 'VALIDATION_FAILED'],
    ['owner', 'PATCH', '/api/school', { restDays: [0, 6] }, 400, 'VALIDATION_FAILED'],
    ['owner', 'PATCH', '/api/school', { restDays: [6, 6] }, 400, 'VALIDATION_FAILED'],
    ['owner', 'PATCH', '/api/school', { restDays: null }, 400, 'VALIDATION_FAILED'],
    ['owner', 'PATCH', '/api/school', { attendanceEditDays: 61 }, 400, 'VALIDATION_FAILED'],
    // Who may write: calendar.view alone (an instructor, a student) is not enough.
    [
      'ines',
      'POST',
      '/api/calendar/events',
      { kind: 'event', title: 'Trip', startsOn: '2026-11-20', endsOn: '2026-11-20' },
      403,
      'FORBIDDEN',
    ],
    [
      'ana',
      'POST',
      '/api/calendar/events',
      { kind: 'event', title: 'Party', startsOn: '2026-11-20', endsOn: '2026-11-20' },
      403,
      'FORBIDDEN',
    ],
    [
      'ines',
      'POST',
      '/api/calendar/academic-years',
      { name: '2040-2041', startsOn: '2040-07-01', endsOn: '2041-06-30' },
      403,
      'FORBIDDEN',
    ],
    ['ines', 'POST', '/api/calendar/academic-years/{year2025}/make-current', {}, 403, 'FORBIDDEN'],
    ['gwen', 'DELETE', '/api/calendar/events/{holiday}', undefined, 403, 'FORBIDDEN'],
    ['ana', 'PATCH', '/api/calendar/terms/{autumn}', { name: 'Fall' }, 403, 'FORBIDDEN'],
  ];

  it.each(REFUSALS)('%s %s %s %j: %i %s', async (who, method, url, payload, status, code) => {
    const response = await send(who, method, url, payload);
    expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
      status,
      code,
    });
  });

  it('refused writes change nothing', async () => {
    const years = await ok<Year[]>('owner', 'GET', '/api/calendar/academic-years');
    expect(years.map((year) => [year.name, year.startsOn, year.endsOn])).toEqual([
      ['2025-2026', '2025-07-01', '2026-06-30'],
      ['2026-2027', '2026-07-01', '2027-06-25'],
    ]);
    const settings = await ok<{ restDays: number[]; attendanceEditDays: number }>(
      'owner',
      'GET',
      '/api/school',
    );
    expect(settings).toMatchObject({ restDays: [6], attendanceEditDays: 3 });
  });

  describe('another school', () => {
    let other: RegisteredSchool;
    let owner: SignedIn;
    const ask = (method: Method, url: string, payload?: object) =>
      call(other, owner, method, withIds(url, ids), payload);

    beforeAll(async () => {
      other = await registerSchool(t.app);
      owner = await signIn(t.app, other.host, other.ownerUsername);
    });

    it('sees none of it', async () => {
      expect(bodyOf(await ask('GET', '/api/calendar/academic-years'), 200)).toEqual([]);
      expect(bodyOf<Page>(await ask('GET', '/api/calendar/events'), 200).data).toEqual([]);
      const calendar = bodyOf<CalendarBody>(
        await ask('GET', '/api/calendar?from=2026-10-31&to=2026-11-02'),
        200,
      );
      expect(calendar).toMatchObject({ academicYears: [], terms: [], events: [] });
      // Its own rest days (Saturday and Sunday by default), no holiday, no years at all.
      expect(calendar.days.map((day) => day.reason)).toEqual(['rest_day', 'rest_day', null]);
      const ics = (await ask('GET', '/api/calendar.ics?from=2026-10-01&to=2026-11-30')).body;
      expect(ics).not.toContain('BEGIN:VEVENT');
    });

    it.each([
      ['GET', '/api/calendar/academic-years/{year2026}', undefined, 'ACADEMIC_YEAR_NOT_FOUND'],
      [
        'GET',
        '/api/calendar/academic-years/{year2026}/terms',
        undefined,
        'ACADEMIC_YEAR_NOT_FOUND',
      ],
      [
        'PATCH',
        '/api/calendar/academic-years/{year2026}',
        { name: 'Mine' },
        'ACADEMIC_YEAR_NOT_FOUND',
      ],
      [
        'POST',
        '/api/calendar/academic-years/{year2026}/make-current',
        {},
        'ACADEMIC_YEAR_NOT_FOUND',
      ],
      ['DELETE', '/api/calendar/academic-years/{year2026}', undefined, 'ACADEMIC_YEAR_NOT_FOUND'],
      [
        'POST',
        '/api/calendar/academic-years/{year2026}/terms',
        { name: 'T', startsOn: '2026-09-01', endsOn: '2026-09-30' },
        'ACADEMIC_YEAR_NOT_FOUND',
      ],
      ['PATCH', '/api/calendar/terms/{autumn}', { name: 'Mine' }, 'TERM_NOT_FOUND'],
      ['DELETE', '/api/calendar/terms/{autumn}', undefined, 'TERM_NOT_FOUND'],
      ['GET', '/api/calendar/events/{holiday}', undefined, 'CALENDAR_EVENT_NOT_FOUND'],
      ['PATCH', '/api/calendar/events/{holiday}', { title: 'Mine' }, 'CALENDAR_EVENT_NOT_FOUND'],
      ['DELETE', '/api/calendar/events/{holiday}', undefined, 'CALENDAR_EVENT_NOT_FOUND'],
    ] as Array<[Method, string, object | undefined, string]>)(
      '%s %s: 404 %s',
      async (method, url, payload, code) => {
        const response = await ask(method, url, payload);
        expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
          status: 404,
          code,
        });
      },
    );

    it('cannot put its sections in the first school’s year', async () => {
      const program = bodyOf<{ id: string }>(
        await ask('POST', '/api/academics/programs', { code: 'PRI', name: 'Primary' }),
        201,
      );
      const level = bodyOf<{ id: string }>(
        await ask('POST', '/api/academics/academic-levels', {
          programId: program.id,
          name: 'Grade 1',
          position: 1,
        }),
        201,
      );
      const response = await ask('POST', '/api/academics/sections', {
        levelId: level.id,
        academicYearId: ids.year2026,
        name: '1A',
        capacity: 10,
      });
      expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
        status: 404,
        code: 'ACADEMIC_YEAR_NOT_FOUND',
      });
    });
  });
});

/** The VEVENT block whose UID names `id`. */
function vevent(text: string, id: string): string {
  const block = text
    .split('BEGIN:VEVENT')
    .slice(1)
    .find((part) => part.includes(`UID:${id}@`));
  if (!block) throw new Error(`no VEVENT for ${id}`);
  return block.split('END:VEVENT')[0];
}
