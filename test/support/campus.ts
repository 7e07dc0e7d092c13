import { bodyOf, caller } from './caller';
import {
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './test-app';

/**
 * A school set up for coursework through the API: academic year 2025-2026 (1 July to 30 June,
 * not marked current), program MID, level Grade 7, sections 7A
 * (capacity 2: Ana, Ben) and 7B (Cleo), subject MATH-7 taught by Ines in 7A and Otto in 7B,
 * Gwen guardian of Ana. Everyone has a portal account and is signed in.
 */
export async function campus(t: TestApp) {
  const call = caller(t);
  const school = await registerSchool(t.app);
  const owner = await signIn(t.app, school.host, school.ownerUsername);
  const post = async (url: string, payload: object, status = 201) =>
    bodyOf<{ id: string }>(await call(school, owner, 'POST', url, payload), status);

  const program = await post('/api/academics/programs', { code: 'MID', name: 'Middle school' });
  const level = await post('/api/academics/academic-levels', {
    programId: program.id,
    name: 'Grade 7',
    position: 7,
  });
  const academicYear = await post('/api/calendar/academic-years', {
    name: '2025-2026',
    startsOn: '2025-07-01',
    endsOn: '2026-06-30',
  });
  const section = (name: string, capacity: number) =>
    post('/api/academics/sections', {
      levelId: level.id,
      academicYearId: academicYear.id,
      name,
      capacity,
    });
  const sectionA = await section('7A', 2);
  const sectionB = await section('7B', 30);
  const subject = await post('/api/academics/subjects', {
    code: 'MATH-7',
    name: 'Mathematics',
    levelId: level.id,
  });

  let admission = 0;
  const student = (firstName: string) =>
    post('/api/students/enroll', {
      firstName,
      lastName: 'Pupil',
      admissionNumber: `C-${++admission}`,
    });
  const [ana, ben, cleo] = [await student('Ana'), await student('Ben'), await student('Cleo')];
  const instructor = (firstName: string) =>
    post('/api/staff/onboard-instructor', { firstName, lastName: 'Teacher' });
  const [ines, otto] = [await instructor('Ines'), await instructor('Otto')];
  const gwen = await post('/api/guardians', { firstName: 'Gwen', lastName: 'Guardian' });
  await post(`/api/guardians/${gwen.id}/students`, { studentId: ana.id, relationship: 'mother' });

  await post(`/api/academics/sections/${sectionA.id}/teaching`, {
    subjectId: subject.id,
    instructorId: ines.id,
  });
  await post(`/api/academics/sections/${sectionB.id}/teaching`, {
    subjectId: subject.id,
    instructorId: otto.id,
  });
  await post(
    `/api/academics/sections/${sectionA.id}/students`,
    { studentIds: [ana.id, ben.id] },
    200,
  );
  await post(`/api/academics/sections/${sectionB.id}/students`, { studentIds: [cleo.id] }, 200);

  const sessions = await portalSessions(t, school, owner, [
    ['/api/students/portal-activation', 'studentIds', [ana.id, ben.id, cleo.id]],
    ['/api/staff/activate-instructor', 'staffIds', [ines.id, otto.id]],
    ['/api/guardians/portal-activation', 'guardianIds', [gwen.id]],
  ]);
  return {
    school,
    owner,
    academicYear,
    program,
    level,
    sectionA,
    sectionB,
    subject,
    ids: { ana: ana.id, ben: ben.id, cleo: cleo.id, ines: ines.id, otto: otto.id, gwen: gwen.id },
    as: {
      ana: sessions.get(ana.id)!,
      ben: sessions.get(ben.id)!,
      cleo: sessions.get(cleo.id)!,
      ines: sessions.get(ines.id)!,
      otto: sessions.get(otto.id)!,
      gwen: sessions.get(gwen.id)!,
    },
  };
}

export type Campus = Awaited<ReturnType<typeof campus>>;

/**
 * Activates people through the API and signs them in. The first-sign-in password change is
 * lifted in the database instead of made: it would only cost two more argon2 hashes each.
 */
export async function portalSessions(
  t: TestApp,
  school: RegisteredSchool,
  owner: SignedIn,
  batches: Array<[string, string, string[]]>,
): Promise<Map<string, SignedIn>> {
  const activated: Array<{
    profileId: string;
    userId: string;
    username: string;
    password: string;
  }> = [];
  for (const [url, field, ids] of batches) {
    const body = bodyOf<{
      activated: Array<{
        profileId: string;
        userId: string;
        username: string;
        temporaryPassword: string;
      }>;
    }>(await caller(t)(school, owner, 'POST', url, { [field]: ids }), 200);
    for (const person of body.activated) {
      activated.push({ ...person, password: person.temporaryPassword });
    }
  }
  await withOwnerClient((db) =>
    db.query('UPDATE users SET must_change_password = false WHERE id = ANY($1)', [
      activated.map((person) => person.userId),
    ]),
  );
  const sessions = new Map<string, SignedIn>();
  for (const person of activated) {
    sessions.set(
      person.profileId,
      await signIn(t.app, school.host, person.username, person.password),
    );
  }
  return sessions;
}
