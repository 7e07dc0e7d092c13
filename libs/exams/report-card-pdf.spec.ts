import { type ReportCardView } from './dto/report-cards.dto';
import { renderReportCards } from './report-card-pdf';

/** A card with whatever a school's settings and people's names may hold. */
const card = (school: Partial<ReportCardView['school']>, firstName = 'Ana'): ReportCardView => ({
  school: {
    displayName: 'Harbour Academy',
    primaryColor: '#0a7d3b',
    secondaryColor: null,
    locale: 'en',
    timezone: 'UTC',
    ...school,
  },
  student: {
    id: 'a',
    firstName,
    middleName: null,
    lastName: 'Pupil',
    admissionNumber: 'C-1',
    section: null,
    level: null,
  },
  term: {
    id: 't',
    name: 'Autumn',
    startsOn: '2026-09-01',
    endsOn: '2026-12-20',
    academicYear: { id: 'y', name: '2026-2027' },
  },
  subjects: [],
  overall: { percentage: null, gpa: null, letter: null },
  exams: [],
  attendance: { registers: 0, present: 0, absent: 0, late: 0, excused: 0, rate: null },
  published: false,
});

const pages = (file: Buffer) => file.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;

describe('renderReportCards', () => {
  it.each([
    ['an unknown locale', { locale: 'not a locale!' }],
    ['an unknown time zone', { timezone: 'Nowhere/City' }],
    ['a colour PDF cannot read', { primaryColor: 'teal-ish' }],
    ['Nepali settings', { locale: 'ne-NP', timezone: 'Asia/Kathmandu' }],
  ])('prints a card despite %s', async (_case, school) => {
    const file = await renderReportCards([card(school)]);
    expect(file.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pages(file)).toBe(1);
  });

  it('prints names outside Latin-1 without failing the whole file', async () => {
    const file = await renderReportCards([card({}, 'राम'), card({}, 'Zoë')]);
    expect(pages(file)).toBe(2);
  });

  it('gives an empty section one page that says so', async () => {
    expect(pages(await renderReportCards([]))).toBe(1);
  });
});
