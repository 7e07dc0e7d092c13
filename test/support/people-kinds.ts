import { type LightMyRequestResponse } from 'fastify';
import { bodyOf, caller, type Method } from './caller';
import {
  addMember,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './test-app';

/** The three kinds of people with portal accounts, by the API's paths and body fields. */
export interface PeopleKind {
  path: '/api/students' | '/api/staff' | '/api/guardians';
  idsField: 'studentIds' | 'staffIds' | 'guardianIds';
  activation: string;
  notFound: 'STUDENT_NOT_FOUND' | 'STAFF_NOT_FOUND' | 'GUARDIAN_NOT_FOUND';
}

export const STUDENTS: PeopleKind = {
  path: '/api/students',
  idsField: 'studentIds',
  activation: '/api/students/portal-activation',
  notFound: 'STUDENT_NOT_FOUND',
};
export const STAFF: PeopleKind = {
  path: '/api/staff',
  idsField: 'staffIds',
  activation: '/api/staff/activate-instructor',
  notFound: 'STAFF_NOT_FOUND',
};
export const GUARDIANS: PeopleKind = {
  path: '/api/guardians',
  idsField: 'guardianIds',
  activation: '/api/guardians/portal-activation',
  notFound: 'GUARDIAN_NOT_FOUND',
};
export const PEOPLE_KINDS = [STUDENTS, STAFF, GUARDIANS];

export interface Activated {
  profileId: string;
  userId: string;
  username: string;
  temporaryPassword: string;
}

export interface AccountBody {
  userId: string;
  username: string;
  mustChangePassword: boolean;
  isActive: boolean;
}

/** Requests and fixtures of one test app, for the people suites. */
export function peopleSuite(t: TestApp) {
  const call = caller(t);
  let admission = 0;

  const anonymous = (
    school: RegisteredSchool,
    method: Method,
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> => call(school, null, method, url, payload);

  async function schoolWithOwner() {
    const school = await registerSchool(t.app);
    return { school, owner: await signIn(t.app, school.host, school.ownerUsername) };
  }

  /** A new person of `kind`, no account yet; answers the profile id. */
  async function addPerson(
    kind: PeopleKind,
    school: RegisteredSchool,
    who: SignedIn,
    firstName: string,
    lastName = 'Person',
  ): Promise<string> {
    const [url, extra] =
      kind === STUDENTS
        ? ['/api/students/enroll', { admissionNumber: `PC-${++admission}` }]
        : kind === STAFF
          ? ['/api/staff/onboard-instructor', {}]
          : ['/api/guardians', {}];
    return bodyOf<{ id: string }>(
      await call(school, who, 'POST', url, { firstName, lastName, ...extra }),
      201,
    ).id;
  }

  async function activate(
    kind: PeopleKind,
    school: RegisteredSchool,
    who: SignedIn,
    profileId: string,
  ): Promise<Activated> {
    const body = bodyOf<{ activated: Activated[] }>(
      await call(school, who, 'POST', kind.activation, { [kind.idsField]: [profileId] }),
      200,
    );
    expect(body.activated).toHaveLength(1);
    return body.activated[0];
  }

  async function accountOf(
    kind: PeopleKind,
    school: RegisteredSchool,
    who: SignedIn,
    profileId: string,
  ): Promise<AccountBody | null> {
    return bodyOf<{ account: AccountBody | null }>(
      await call(school, who, 'GET', `${kind.path}/${profileId}`),
      200,
    ).account;
  }

  /** A signed-in member of `school` whose only role carries `permissions` (none by default). */
  async function memberWith(
    school: RegisteredSchool,
    owner: SignedIn,
    permissions: string[] = [],
  ): Promise<SignedIn> {
    const role = bodyOf<{ id: string }>(
      await call(school, owner, 'POST', '/api/roles', {
        name: `Clerk ${++admission}`,
        permissions,
      }),
      201,
    );
    const member = await addMember(t, school, {
      firstName: 'Clara',
      lastName: `Clerk${admission}`,
    });
    bodyOf(
      await call(school, owner, 'POST', `/api/roles/${role.id}/assignments`, {
        userId: member.userId,
      }),
      201,
    );
    return signIn(t.app, school.host, member.username, member.password);
  }

  const login = (school: RegisteredSchool, username: string, password: string) =>
    call(school, null, 'POST', '/api/auth/login', { username, password });

  const refresh = (school: RegisteredSchool, session: SignedIn) =>
    call(school, null, 'POST', '/api/auth/refresh', { refreshToken: session.refreshToken });

  return {
    call,
    anonymous,
    schoolWithOwner,
    addPerson,
    activate,
    accountOf,
    memberWith,
    login,
    refresh,
  };
}
