import { bodyOf, caller } from './caller';
import { portalSessions } from './campus';
import { inSchema, schoolToday } from './school-year';
import { registerSchool, signIn, type TestApp } from './test-app';

/** The first day of the month `months` after (or before) `date`'s month. */
export function monthStart(date: string, months: number): string {
  const [year, month] = date.split('-').map(Number);
  const at = new Date(Date.UTC(year, month - 1 + months, 1));
  return at.toISOString().slice(0, 10);
}

/** The last day of the month `date` falls in. */
export function monthEnd(date: string): string {
  const [year, month] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** `YYYY-MM` of a date: the period key of a monthly invoice. */
export const monthKey = (date: string) => date.slice(0, 7);

/**
 * A school ready to bill, whatever today is: an academic year that began on the first of the
 * month four months ago (so today falls in its fifth month and second term), three terms of
 * four months, program PRI with level Grade 5 and sections 5A (Ana, Ben, Dev, joined on the
 * year's first day) and 5B (Cleo, admitted mid-year: joined on the 11th of the third month).
 * Gwen is Ana's guardian. Fee heads Tuition, Exam and Admission; the level's structure charges
 * Tuition 5,000.00 monthly (due day 10), Exam 1,500.00 per term (due day 15) and Admission
 * 10,000.00 once (due day 1). Fee setup is written with SQL as the owner, so the suites of each
 * part of the fees work do not depend on one another's routes. Everyone is signed in.
 */
export async function feesCampus(t: TestApp) {
  const call = caller(t);
  const school = await registerSchool(t.app);
  const owner = await signIn(t.app, school.host, school.ownerUsername);
  const post = async (url: string, payload: object, status = 201) =>
    bodyOf<{ id: string }>(await call(school, owner, 'POST', url, payload), status);

  const today = await schoolToday(school);
  const startsOn = monthStart(today, -4);
  const endsOn = monthEnd(monthStart(today, 7));
  const termDates = [0, 4, 8].map((first) => ({
    startsOn: monthStart(today, first - 4),
    endsOn: monthEnd(monthStart(today, first - 1)),
  }));
  const academicYear = await post('/api/calendar/academic-years', {
    name: `Year from ${startsOn}`,
    startsOn,
    endsOn,
  });
  const terms = [];
  for (const [index, dates] of termDates.entries()) {
    terms.push(
      await post(`/api/calendar/academic-years/${academicYear.id}/terms`, {
        name: `Term ${index + 1}`,
        ...dates,
      }),
    );
  }
  const program = await post('/api/academics/programs', { code: 'PRI', name: 'Primary' });
  const level = await post('/api/academics/academic-levels', {
    programId: program.id,
    name: 'Grade 5',
    position: 5,
  });
  const section = (name: string) =>
    post('/api/academics/sections', {
      levelId: level.id,
      academicYearId: academicYear.id,
      name,
      capacity: 40,
    });
  const [sectionA, sectionB] = [await section('5A'), await section('5B')];
  let admission = 0;
  const student = (firstName: string) =>
    post('/api/students/enroll', {
      firstName,
      lastName: 'Pupil',
      admissionNumber: `F-${++admission}`,
    });
  const [ana, ben, cleo, dev] = [
    await student('Ana'),
    await student('Ben'),
    await student('Cleo'),
    await student('Dev'),
  ];
  const cleoJoined = monthStart(today, -2).slice(0, 8) + '11';
  await post(
    `/api/academics/sections/${sectionA.id}/students`,
    { studentIds: [ana.id, ben.id, dev.id], joinedOn: startsOn },
    200,
  );
  await post(
    `/api/academics/sections/${sectionB.id}/students`,
    { studentIds: [cleo.id], joinedOn: cleoJoined },
    200,
  );
  const gwen = await post('/api/guardians', { firstName: 'Gwen', lastName: 'Guardian' });
  await post(`/api/guardians/${gwen.id}/students`, { studentId: ana.id, relationship: 'mother' });
  const ines = await post('/api/staff/onboard-instructor', {
    firstName: 'Ines',
    lastName: 'Teacher',
  });

  const heads = await inSchema<{ id: string; name: string }>(
    school,
    `INSERT INTO fee_heads (name) VALUES ('Tuition'), ('Exam'), ('Admission') RETURNING id, name`,
  );
  const head = (name: string) => heads.find((row) => row.name === name)!.id;
  const [structure] = await inSchema<{ id: string }>(
    school,
    `INSERT INTO fee_structures (academic_year_id, name, level_id)
     VALUES ($1, 'Grade 5 fees', $2) RETURNING id`,
    [academicYear.id, level.id],
  );
  await inSchema(
    school,
    `INSERT INTO fee_structure_lines (structure_id, head_id, amount_minor, schedule, due_day)
     VALUES ($1, $2, 500000, 'monthly', 10), ($1, $3, 150000, 'per_term', 15),
            ($1, $4, 1000000, 'once', 1)`,
    [structure.id, head('Tuition'), head('Exam'), head('Admission')],
  );

  const sessions = await portalSessions(t, school, owner, [
    ['/api/students/portal-activation', 'studentIds', [ana.id]],
    ['/api/staff/activate-instructor', 'staffIds', [ines.id]],
    ['/api/guardians/portal-activation', 'guardianIds', [gwen.id]],
  ]);
  return {
    school,
    owner,
    today,
    academicYear: { id: academicYear.id, startsOn, endsOn },
    terms: terms.map((term, index) => ({ id: term.id, ...termDates[index] })),
    program,
    level,
    sectionA,
    sectionB,
    cleoJoined,
    structure,
    heads: { tuition: head('Tuition'), exam: head('Exam'), admission: head('Admission') },
    ids: { ana: ana.id, ben: ben.id, cleo: cleo.id, dev: dev.id, gwen: gwen.id, ines: ines.id },
    as: {
      ana: sessions.get(ana.id)!,
      gwen: sessions.get(gwen.id)!,
      ines: sessions.get(ines.id)!,
    },
  };
}

export type FeesCampus = Awaited<ReturnType<typeof feesCampus>>;
