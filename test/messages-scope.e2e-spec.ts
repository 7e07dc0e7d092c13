import { bodyOf, caller, type Method } from './support/caller';
import { type Campus, campus, portalSessions } from './support/campus';
import { inSchema } from './support/school-year';
import { createTestApp, type SignedIn, type TestApp } from './support/test-app';

/*
 * Whom a sender may write to. Ines teaches 7A (Ana, Ben), Otto 7B (Cleo); Gwen is Ana's
 * guardian and Gus Cleo's. An instructor reaches staff, the students they teach now and those
 * students' guardians; the owner reaches everyone. Sara, an instructor who also holds a
 * safeguarding role (messages.oversee), reads staff–student threads she is not part of.
 */

let t: TestApp;
let c: Campus;
let gus: string;
let sara: SignedIn;
let saraId: string;
const call = caller(() => t);

beforeAll(async () => {
  t = await createTestApp();
  c = await campus(t);
  const post = async (url: string, payload: object) =>
    bodyOf<{ id: string }>(await call(c.school, c.owner, 'POST', url, payload), 201);
  gus = (await post('/api/guardians', { firstName: 'Gus', lastName: 'Guardian' })).id;
  await post(`/api/guardians/${gus}/students`, { studentId: c.ids.cleo, relationship: 'father' });
  saraId = (await post('/api/staff/onboard-instructor', { firstName: 'Sara', lastName: 'Safe' }))
    .id;
  const sessions = await portalSessions(t, c.school, c.owner, [
    ['/api/staff/activate-instructor', 'staffIds', [saraId]],
  ]);
  sara = sessions.get(saraId)!;
  const role = await post('/api/roles', {
    name: 'Safeguarding',
    permissions: ['messages.oversee'],
  });
  const [account] = await inSchema<{ user_id: string }>(
    c.school,
    'SELECT user_id FROM profiles WHERE id = $1',
    [saraId],
  );
  await post(`/api/roles/${role.id}/assignments`, { userId: account.user_id });
});

afterAll(() => t?.close());

const openAs = (who: SignedIn, participantIds: string[], studentId?: string) =>
  call(c.school, who, 'POST', '/api/messages/threads', {
    subject: 'About school',
    participantIds,
    ...(studentId ? { studentId } : {}),
    body: 'Hello.',
  });

/** Threads, messages and notifications in the school: a refusal must leave them as they were. */
const written = async () =>
  (
    await inSchema<{ n: string }>(
      c.school,
      `SELECT (SELECT count(*) FROM message_threads) + (SELECT count(*) FROM messages)
              + (SELECT count(*) FROM notifications) AS n`,
    )
  )[0].n;

async function expectRefused(
  response: Awaited<ReturnType<typeof openAs>>,
  status: number,
  code: string,
  ids?: string[],
) {
  expect({ status: response.statusCode, code: response.json().error?.code }).toEqual({
    status,
    code,
  });
  if (ids)
    expect([...(response.json().error.details.ids as string[])].sort()).toEqual([...ids].sort());
}

describe('an instructor', () => {
  it('writes to the guardian of a student they teach, about that student or not', async () => {
    const about = bodyOf<{ kind: string }>(await openAs(c.as.ines, [c.ids.gwen], c.ids.ana), 201);
    expect(about.kind).toBe('staff_guardian');
    expect((await openAs(c.as.ines, [c.ids.gwen])).statusCode).toBe(201);
  });

  it('cannot write to the guardian of a student they do not teach, and nothing is written', async () => {
    const before = await written();
    await expectRefused(await openAs(c.as.ines, [gus]), 403, 'MESSAGE_RECIPIENT_NOT_ALLOWED', [
      gus,
    ]);
    await expectRefused(
      await openAs(c.as.ines, [c.ids.gwen, gus]),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [gus],
    );
    expect(await written()).toBe(before);
  });

  it('cannot name a student they do not teach, as a participant or as the subject', async () => {
    const before = await written();
    await expectRefused(
      await openAs(c.as.ines, [c.ids.cleo]),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [c.ids.cleo],
    );
    // About Cleo: Ines does not teach her, and Gwen is not her guardian.
    await expectRefused(
      await openAs(c.as.ines, [c.ids.gwen], c.ids.cleo),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [c.ids.gwen, c.ids.cleo],
    );
    // About Ana, whom Ines teaches: Gus is not Ana's guardian.
    await expectRefused(
      await openAs(c.as.ines, [gus], c.ids.ana),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [gus],
    );
    expect(await written()).toBe(before);
    const withAna = bodyOf<{ kind: string }>(await openAs(c.as.ines, [c.ids.ana]), 201);
    expect(withAna.kind).toBe('staff_student');
  });

  it('stops reaching a student who left the section', async () => {
    await inSchema(
      c.school,
      `UPDATE section_students SET left_on = joined_on WHERE student_id = $1 AND left_on IS NULL`,
      [c.ids.ben],
    );
    await expectRefused(
      await openAs(c.as.ines, [c.ids.ben]),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [c.ids.ben],
    );
  });

  it('writes to any staff member', async () => {
    const staff = bodyOf<{ kind: string }>(await openAs(c.as.ines, [c.ids.otto, saraId]), 201);
    expect(staff.kind).toBe('staff_staff');
  });

  it('answers 404 naming ids that are not people of this school', async () => {
    const nobody = '00000000-0000-4000-8000-0000000000aa';
    await expectRefused(
      await openAs(c.as.ines, [c.ids.gwen, nobody]),
      404,
      'MESSAGE_PARTICIPANT_NOT_FOUND',
      [nobody],
    );
    await expectRefused(
      await openAs(c.as.ines, [c.ids.otto], nobody),
      404,
      'MESSAGE_PARTICIPANT_NOT_FOUND',
      [nobody],
    );
  });
});

describe('the office', () => {
  it('writes to any guardian, but only to the guardians of the student it names', async () => {
    expect((await openAs(c.owner, [gus])).statusCode).toBe(201);
    await expectRefused(
      await openAs(c.owner, [gus], c.ids.ana),
      403,
      'MESSAGE_RECIPIENT_NOT_ALLOWED',
      [gus],
    );
  });
});

describe('without messages.send', () => {
  it('students and guardians cannot open threads (403)', async () => {
    for (const who of [c.as.ana, c.as.gwen]) {
      const response = await openAs(who, [c.ids.ines]);
      expect(response.statusCode).toBe(403);
      expect(response.json().error.details).toEqual({ missingPermissions: ['messages.send'] });
    }
  });
});

describe('a staff–student thread', () => {
  let threadId: string;
  const as = (who: SignedIn, method: Method, url: string, payload?: object) =>
    call(c.school, who, method, url, payload);

  beforeAll(async () => {
    threadId = bodyOf<{ id: string }>(await openAs(c.as.otto, [c.ids.cleo]), 201).id;
  });

  it('is read by an overseer who takes no part, read-only', async () => {
    const listed = bodyOf<{ data: Array<{ id: string; participating: boolean }> }>(
      await as(sara, 'GET', '/api/messages/threads?scope=oversee'),
      200,
    );
    expect(listed.data.find(({ id }) => id === threadId)).toMatchObject({ participating: false });
    const own = bodyOf<{ data: Array<{ id: string }> }>(
      await as(sara, 'GET', '/api/messages/threads'),
      200,
    );
    expect(own.data.map(({ id }) => id)).not.toContain(threadId);
    const read = bodyOf<{ participating: boolean; messages: { data: unknown[] } }>(
      await as(sara, 'GET', `/api/messages/threads/${threadId}`),
      200,
    );
    expect(read).toMatchObject({ participating: false, messages: { data: [{ body: 'Hello.' }] } });
    expect(
      (await as(sara, 'POST', `/api/messages/threads/${threadId}/messages`, { body: 'Hi' }))
        .statusCode,
    ).toBe(404);
    expect((await as(sara, 'POST', `/api/messages/threads/${threadId}/read`)).statusCode).toBe(404);
  });

  it('is hidden from another instructor, who cannot ask to oversee', async () => {
    expect((await as(c.as.ines, 'GET', `/api/messages/threads/${threadId}`)).statusCode).toBe(404);
    const listed = bodyOf<{ data: Array<{ id: string }> }>(
      await as(c.as.ines, 'GET', '/api/messages/threads'),
      200,
    );
    expect(listed.data.map(({ id }) => id)).not.toContain(threadId);
    const oversee = await as(c.as.ines, 'GET', '/api/messages/threads?scope=oversee');
    expect({ status: oversee.statusCode, code: oversee.json().error.code }).toEqual({
      status: 403,
      code: 'MESSAGE_OVERSIGHT_REQUIRED',
    });
  });

  it('is answered by its student without any permission', async () => {
    const reply = await as(c.as.cleo, 'POST', `/api/messages/threads/${threadId}/messages`, {
      body: 'Thank you, sir.',
    });
    expect(reply.statusCode).toBe(201);
    expect(
      await inSchema(c.school, `SELECT profile_id FROM notifications WHERE source_key = $1`, [
        `message:${reply.json<{ id: string }>().id}`,
      ]),
    ).toEqual([{ profile_id: c.ids.otto }]);
  });
});
