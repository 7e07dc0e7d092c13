import { bodyOf, caller, type Page } from './support/caller';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

describe('people lists: a page past the last one', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
  });
  afterAll(async () => {
    await t.close();
  });

  let admission = 0;
  /** Three students (two Pupils), two instructors and two guardians, all through the API. */
  async function schoolWithPeople(): Promise<{ school: RegisteredSchool; owner: SignedIn }> {
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const post = async (url: string, payload: object) =>
      bodyOf(await call(school, owner, 'POST', url, payload), 201);
    for (const [firstName, lastName] of [
      ['Ana', 'Pupil'],
      ['Ben', 'Pupil'],
      ['Cleo', 'Scholar'],
    ]) {
      await post('/api/students/enroll', {
        firstName,
        lastName,
        admissionNumber: `L-${++admission}`,
      });
    }
    for (const firstName of ['Ines', 'Otto']) {
      await post('/api/staff/onboard-instructor', { firstName, lastName: 'Teacher' });
    }
    for (const firstName of ['Gwen', 'Hugo']) {
      await post('/api/guardians', { firstName, lastName: 'Guardian' });
    }
    return { school, owner };
  }

  /** Per list: a page past the end, then one past the end of a search. */
  const pastTheEnd: Array<[string, Array<[string, Page['meta']]>]> = [
    [
      'students',
      [
        ['/api/students?page=9&pageSize=2', { page: 9, pageSize: 2, total: 3 }],
        ['/api/students?page=2&pageSize=2&search=pupil', { page: 2, pageSize: 2, total: 2 }],
      ],
    ],
    [
      'staff',
      [
        ['/api/staff?page=3&pageSize=2', { page: 3, pageSize: 2, total: 2 }],
        ['/api/staff?page=2&pageSize=1&search=otto', { page: 2, pageSize: 1, total: 1 }],
      ],
    ],
    [
      'guardians',
      [
        ['/api/guardians?page=4&pageSize=1', { page: 4, pageSize: 1, total: 2 }],
        ['/api/guardians?page=2&pageSize=5&search=hugo', { page: 2, pageSize: 5, total: 1 }],
      ],
    ],
  ];

  let first: { school: RegisteredSchool; owner: SignedIn };
  beforeAll(async () => {
    first = await schoolWithPeople();
    // A second school's people must not count towards the first school's totals.
    await schoolWithPeople();
  });

  it.each(pastTheEnd)(
    'answers the true total of %s and no rows, for this school only, with the search applied',
    async (_list, cases) => {
      for (const [url, meta] of cases) {
        const response = await call(first.school, first.owner, 'GET', url);
        expect(bodyOf<Page>(response, 200)).toEqual({ data: [], meta });
      }
    },
  );

  it('still answers total 0 for an empty list past page 1', async () => {
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    for (const list of ['/api/students', '/api/staff', '/api/guardians']) {
      expect(bodyOf<Page>(await call(school, owner, 'GET', `${list}?page=2`), 200)).toEqual({
        data: [],
        meta: { page: 2, pageSize: 20, total: 0 },
      });
    }
  });
});
