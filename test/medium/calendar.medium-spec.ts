import {
  AcademicYearsService,
  CALENDAR_DAYS_SQL,
  SCHOOL_DAYS_SQL,
  SchoolDaysRepository,
} from '@schoolyard/calendar';
import { SectionsService } from '@schoolyard/academics';
import { selectRows } from '@schoolyard/common';
import { factories } from '../support/factories';
import { type MediumTier, type TestSchool, createMediumTier, refusal } from '../support/medium';

/**
 * The calendar's rules where only the database can keep them: years written at the same time
 * still never overlap, one year is current however many switch at once, and the school-day
 * check keeps refusing the future for attendance while the calendar shows it.
 */
describe('Calendar rules under concurrency', () => {
  let tier: MediumTier;
  let school: TestSchool;
  let years: AcademicYearsService;

  beforeAll(async () => {
    tier = await createMediumTier();
    school = await tier.provision();
    years = tier.get(AcademicYearsService);
  });

  afterAll(async () => {
    await tier?.close();
  });

  it('lets one of two overlapping years written at once in, and refuses the other', async () => {
    const outcomes = await Promise.allSettled([
      tier.inSchool(school, () =>
        years.create({ name: 'A', startsOn: '2030-07-01', endsOn: '2031-06-30' }),
      ),
      tier.inSchool(school, () =>
        years.create({ name: 'B', startsOn: '2031-01-01', endsOn: '2031-12-31' }),
      ),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect((refused as PromiseRejectedResult).reason).toMatchObject({
      code: 'ACADEMIC_YEAR_OVERLAP',
    });
    expect(await tier.inSchool(school, () => years.list())).toHaveLength(1);
  });

  it('keeps one year current when several are made current at once', async () => {
    const made = await tier.inSchool(school, async () => [
      await years.create({ name: 'C', startsOn: '2040-07-01', endsOn: '2041-06-30' }),
      await years.create({ name: 'D', startsOn: '2041-07-01', endsOn: '2042-06-30' }),
      await years.create({ name: 'E', startsOn: '2042-07-01', endsOn: '2043-06-30' }),
    ]);
    await Promise.all(
      [...made, ...made].map((year) => tier.inSchool(school, () => years.makeCurrent(year.id))),
    );
    const current = (await tier.inSchool(school, () => years.list())).filter(
      (year) => year.isCurrent,
    );
    expect(current).toHaveLength(1);
  });

  it('still refuses the future for attendance; the calendar form shows what it will be', async () => {
    const days = await tier.inSchool(school, () =>
      tier.get(SchoolDaysRepository).days('2040-09-03', '2040-09-03'),
    );
    expect(days.map((day) => day.refusal)).toEqual(['future']);
    const [attendance, calendar] = await tier.inSchool(school, async (manager) => [
      await selectRows<{ refusal: string | null }>(manager, SCHOOL_DAYS_SQL, [
        '2040-09-03',
        '2040-09-03',
      ]),
      await selectRows<{ refusal: string | null }>(manager, CALENDAR_DAYS_SQL, [
        '2040-09-03',
        '2040-09-03',
      ]),
    ]);
    expect(attendance.map((day) => day.refusal)).toEqual(['future']);
    // A Monday inside year C: a school day once it comes.
    expect(calendar.map((day) => day.refusal)).toEqual([null]);
  });

  it('refuses a year that ends before it starts, without writing it', async () => {
    const refused = await refusal(
      tier.inSchool(school, () =>
        years.create({ name: 'Z', startsOn: '2050-07-01', endsOn: '2050-07-01' }),
      ),
    );
    expect(refused.code).toBe('VALIDATION_FAILED');
    // A or B (whichever won the race), C, D, E: no Z.
    const names = (await tier.inSchool(school, () => years.list())).map((year) => year.name);
    expect(names).toHaveLength(4);
    expect(names).not.toContain('Z');
  });

  it('moves a section to another year, which then cannot be deleted', async () => {
    const make = factories(tier);
    const sections = tier.get(SectionsService);
    const { section, next } = await tier.inSchool(school, async () => ({
      section: await make.makeSection(),
      next: await make.academicYear('2026-2027'),
    }));
    expect(section.academicYear.name).toBe('2025-2026');
    const moved = await tier.inSchool(school, () =>
      sections.update(section.id, { academicYearId: next.id }),
    );
    expect(moved.academicYear).toEqual({ id: next.id, name: '2026-2027' });
    const refused = await refusal(tier.inSchool(school, () => years.remove(next.id)));
    expect(refused).toMatchObject({ code: 'IN_USE', details: { sections: 1 } });
    const listed = await tier.inSchool(school, () =>
      sections.list({ academicYearId: next.id, page: 1, pageSize: 20, sort: 'name' }),
    );
    expect(listed.data.map((row) => row.id)).toEqual([section.id]);
  });
});
