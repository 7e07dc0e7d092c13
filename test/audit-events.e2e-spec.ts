import { bodyOf, caller } from './support/caller';
import {
  addMember,
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface EventRow {
  action: string;
  entity_type: string;
  entity_id: string | null;
  person_id: string | null;
  actor_account_id: string | null;
  actor_profile_id: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

const APP_ACTIONS = [
  'signed_in',
  'sign_in_failed',
  'activated',
  'password_reset',
  'deactivated',
  'credential_slip_viewed',
];

const schemaOf = (school: RegisteredSchool) => `"school_${school.slug.replace(/-/g, '_')}"`;

/** The school's application events, read as the owner: the table is the contract here. */
const eventsOf = (school: RegisteredSchool, action?: string) =>
  withOwnerClient(async (db) => {
    const found = await db.query<EventRow>(
      `SELECT action, entity_type, entity_id, person_id, actor_account_id, actor_profile_id,
              request_id, details
         FROM ${schemaOf(school)}.audit_events
        WHERE action = ANY($1::text[]) ORDER BY at`,
      [action ? [action] : APP_ACTIONS],
    );
    return found.rows;
  });

const profileOf = (school: RegisteredSchool, userId: string) =>
  withOwnerClient(async (db) => {
    const found = await db.query<{ id: string }>(
      `SELECT id FROM ${schemaOf(school)}.profiles WHERE user_id = $1`,
      [userId],
    );
    return found.rows[0].id;
  });

/**
 * What no row change shows, in the school's own trail: sign-ins (and refused ones of a known
 * name), portal activation, password resets, deactivation and credential-slip views, each with
 * who acted, about whom, and the request's id.
 */
describe('application events in the school audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('records sign-ins and refused sign-ins of a known name, never an unknown one', async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const other = await registerSchool(t.app);
    const ownerProfile = await profileOf(school, school.ownerUserId);

    const signedIn = await call(
      school,
      null,
      'POST',
      '/api/auth/login',
      { username: school.ownerUsername, password: OWNER_PASSWORD },
      { 'x-request-id': 'events-sign-in-1' },
    );
    expect(signedIn.statusCode).toBe(200);
    const refused = await call(
      school,
      null,
      'POST',
      '/api/auth/login',
      { username: school.ownerUsername, password: 'not the password at all' },
      { 'x-request-id': 'events-sign-in-2' },
    );
    expect(refused.statusCode).toBe(401);
    const unknown = await call(school, null, 'POST', '/api/auth/login', {
      username: 'nobody.here',
      password: 'not the password at all',
    });
    expect(unknown.statusCode).toBe(401);

    const account = {
      entity_type: 'account',
      entity_id: school.ownerUserId,
      person_id: ownerProfile,
      actor_account_id: school.ownerUserId,
      actor_profile_id: ownerProfile,
    };
    expect(await eventsOf(school, 'signed_in')).toEqual([
      { ...account, action: 'signed_in', request_id: 'events-sign-in-1', details: null },
    ]);
    expect(await eventsOf(school, 'sign_in_failed')).toEqual([
      {
        ...account,
        action: 'sign_in_failed',
        request_id: 'events-sign-in-2',
        details: { reason: 'wrong_password' },
      },
    ]);
    expect(await eventsOf(other)).toEqual([]);
  });

  it('records activation, credential-slip views, a password reset and deactivation per person', async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const other = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const student = bodyOf<{ id: string }>(
      await call(school, owner, 'POST', '/api/students/enroll', {
        firstName: 'Ada',
        lastName: 'Pupil',
        admissionNumber: 'EV-1',
      }),
      201,
    );
    const asOwner = (requestId: string) => ({ 'x-request-id': requestId });

    const activation = bodyOf<{ activated: Array<{ userId: string }> }>(
      await call(
        school,
        owner,
        'POST',
        '/api/students/portal-activation',
        { studentIds: [student.id] },
        asOwner('events-activate'),
      ),
      200,
    );
    const userId = activation.activated[0].userId;
    bodyOf(
      await call(
        school,
        owner,
        'GET',
        '/api/students/credential-distribution',
        undefined,
        asOwner('events-slips'),
      ),
      200,
    );
    bodyOf(
      await call(
        school,
        owner,
        'POST',
        `/api/students/${student.id}/reset-password`,
        undefined,
        asOwner('events-reset'),
      ),
      200,
    );
    bodyOf(
      await call(
        school,
        owner,
        'POST',
        '/api/students/portal-deactivation',
        { studentIds: [student.id] },
        asOwner('events-deactivate'),
      ),
      200,
    );

    const ownerProfile = await profileOf(school, school.ownerUserId);
    const about = {
      entity_type: 'account',
      entity_id: userId,
      person_id: student.id,
      actor_account_id: school.ownerUserId,
      actor_profile_id: ownerProfile,
    };
    const events = (await eventsOf(school)).filter((event) => event.action !== 'signed_in');
    expect(events).toEqual([
      {
        ...about,
        action: 'activated',
        request_id: 'events-activate',
        details: { kind: 'student', username: expect.any(String) },
      },
      {
        ...about,
        action: 'credential_slip_viewed',
        request_id: 'events-slips',
        details: { kind: 'student' },
      },
      {
        ...about,
        action: 'password_reset',
        request_id: 'events-reset',
        details: { kind: 'student' },
      },
      {
        ...about,
        action: 'deactivated',
        request_id: 'events-deactivate',
        details: { kind: 'student', leftSchool: true },
      },
    ]);
    // The other school's trail holds none of it (it has had no sign-in or activation at all).
    expect(await eventsOf(other)).toEqual([]);
  });

  it('writes a batch activation’s events in one statement, one per person', async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      ids.push(
        bodyOf<{ id: string }>(
          await call(school, owner, 'POST', '/api/students/enroll', {
            firstName: `Batch${n}`,
            lastName: 'Pupil',
            admissionNumber: `B-${n}`,
          }),
          201,
        ).id,
      );
    }
    bodyOf(
      await call(school, owner, 'POST', '/api/students/portal-activation', { studentIds: ids }),
      200,
    );
    const activated = await eventsOf(school, 'activated');
    expect(activated.map((event) => event.person_id).sort()).toEqual([...ids].sort());
  });

  it('refuses activation to a caller without the permission and to anyone anonymous, recording nothing', async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const student = bodyOf<{ id: string }>(
      await call(school, owner, 'POST', '/api/students/enroll', {
        firstName: 'No',
        lastName: 'Access',
        admissionNumber: 'NA-1',
      }),
      201,
    );
    const anonymous = await call(school, null, 'POST', '/api/students/portal-activation', {
      studentIds: [student.id],
    });
    expect(anonymous.statusCode).toBe(401);
    const member = await addMember(t, school, { firstName: 'Plain', lastName: 'Staff' });
    const plain = await signIn(t.app, school.host, member.username, member.password);
    const forbidden = await call(school, plain, 'POST', '/api/students/portal-activation', {
      studentIds: [student.id],
    });
    expect(forbidden.statusCode).toBe(403);
    expect(await eventsOf(school, 'activated')).toEqual([]);
  });
});
