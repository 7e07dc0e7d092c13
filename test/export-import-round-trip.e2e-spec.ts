import { type LightMyRequestResponse } from 'fastify';
import { caller } from './support/caller';
import { csvOf, importFile, STUDENT_HEADER } from './support/imports';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

const STAFF_HEADER = 'email,firstName,middleName,lastName,jobTitle,department,hireDate,status';
const GUARDIAN_HEADER =
  'email,phone,firstName,middleName,lastName,studentAdmissionNumber,relationship';

/**
 * What one school exports, another imports, and the second school's export is the same file:
 * the export writes exactly the columns the importer reads, formula escaping included. Importing
 * the export back into the school it came from creates nothing.
 */
describe('export round-trips through import', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const exported = async (school: RegisteredSchool, who: SignedIn, list: string) => {
    const response: LightMyRequestResponse = await caller(t)(
      school,
      who,
      'GET',
      `/api/exports/${list}.csv`,
    );
    expect(response.statusCode).toBe(200);
    return response.body;
  };
  /** The file's rows without the header, sorted: the lists order by name, ties by id. */
  const rowsOf = (csv: string) =>
    csv
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .sort();

  it('moves students, staff and guardians with their links to another school unchanged', async () => {
    const from = await registerSchool(t.app);
    const to = await registerSchool(t.app);
    const ownerFrom = await signIn(t.app, from.host, from.ownerUsername);
    const ownerTo = await signIn(t.app, to.host, to.ownerUsername);

    const students = [
      'R-1,Ana,María,Núñez,ana@example.org,2025-04-14,2014-02-03,female,active',
      'R-2,"=cmd|\'/c calc\'!A1",,"O\'Brien, Jr",,2025-04-14,,,active',
      'R-3,Bikash,,Shrestha,,2024-04-15,2013-11-30,male,active',
    ];
    const staff = [
      'ines@example.org,Ines,,Teacher,Teacher,Science,2020-01-06,active',
      'otto@example.org,Otto,,"+Maths",Head of maths,,2019-08-01,active',
    ];
    const guardians = [
      'gwen@example.org,+9779800000001,Gwen,,Núñez,R-1,mother',
      'gwen@example.org,+9779800000001,Gwen,,Núñez,R-3,guardian',
      ',+9779800000002,Hari,,Shrestha,R-3,father',
    ];
    for (const [kind, header, rows] of [
      ['students', STUDENT_HEADER, students],
      ['staff', STAFF_HEADER, staff],
      ['guardians', GUARDIAN_HEADER, guardians],
    ] as const) {
      const done = await importFile(t, from, ownerFrom, kind, csvOf(header, rows));
      expect({ kind, status: done.status, errors: done.errors }).toEqual({
        kind,
        status: 'succeeded',
        errors: [],
      });
    }

    for (const [kind, count] of [
      ['students', 3],
      ['staff', 2],
      ['guardians', 3],
    ] as const) {
      const file = await exported(from, ownerFrom, kind);
      const moved = await importFile(t, to, ownerTo, kind, file);
      expect({ kind, status: moved.status, created: moved.created, errors: moved.errors }).toEqual({
        kind,
        status: 'succeeded',
        created: expect.any(Number),
        errors: [],
      });
      // The receiving school's export is the same file, row for row.
      expect(rowsOf(await exported(to, ownerTo, kind))).toEqual(rowsOf(file));
      expect(rowsOf(file)).toHaveLength(count);

      // Back into the school it came from: nothing new.
      const again = await importFile(t, from, ownerFrom, kind, file);
      expect({ kind, status: again.status, created: again.created }).toEqual({
        kind,
        status: 'succeeded',
        created: 0,
      });
    }
    // The formula-looking name survived both ways as text, escaped in the file only.
    expect(await exported(to, ownerTo, 'students')).toContain(`"'=cmd|'/c calc'!A1"`);
  });
});
