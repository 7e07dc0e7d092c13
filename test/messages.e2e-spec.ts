import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema } from './support/school-year';
import { statementsSent } from './support/statements';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
} from './support/test-app';

/*
 * Message threads through the HTTP API: a teacher writes to a guardian, the guardian replies
 * in their own thread and nowhere else, unread counts follow the reading, every post notifies
 * the others, and another school reaches none of it.
 */

interface Participant {
  profileId: string;
  name: string;
  kind: string;
}
interface Message {
  id: string;
  author: Participant | null;
  body: string;
}
interface Thread {
  id: string;
  kind: string;
  subject: string;
  student: { id: string; name: string } | null;
  participants: Participant[];
  participating: boolean;
  unreadCount: number;
}
interface ThreadDetail extends Omit<Thread, 'unreadCount'> {
  messages: Page<Message>;
}
type ThreadList = Page<Thread> & { unread: number };

let t: TestApp;
let c: Campus;
let otherSchool: RegisteredSchool;
let otherOwner: SignedIn;
const call = caller(() => t);

beforeAll(async () => {
  // No in-process worker: a delivery job woken by one post would send statements while the
  // next is counted.
  t = await createTestApp({ JOBS_WORKER: 'false' });
  c = await campus(t);
  otherSchool = await registerSchool(t.app);
  otherOwner = await signIn(t.app, otherSchool.host, otherSchool.ownerUsername);
});

afterAll(() => t?.close());

const open = async (who: SignedIn, payload: object) =>
  bodyOf<Thread & { message: Message }>(
    await call(c.school, who, 'POST', '/api/messages/threads', payload),
    201,
  );
const reply = async (who: SignedIn, threadId: string, body: string) =>
  bodyOf<Message>(
    await call(c.school, who, 'POST', `/api/messages/threads/${threadId}/messages`, { body }),
    201,
  );
const unreadOf = async (who: SignedIn) =>
  bodyOf<{ unread: number }>(await call(c.school, who, 'GET', '/api/messages/unread'), 200).unread;
const listOf = async (who: SignedIn, query = '') =>
  bodyOf<ThreadList>(await call(c.school, who, 'GET', `/api/messages/threads${query}`), 200);

/** The notifications a message wrote, by the profile they went to. */
const notifiedBy = async (messageId: string) =>
  (
    await inSchema<{ profile_id: string; category: string }>(
      c.school,
      `SELECT profile_id, category FROM notifications WHERE source_key = $1 ORDER BY profile_id`,
      [`message:${messageId}`],
    )
  ).map((row) => row.profile_id);

describe('a teacher and a guardian', () => {
  let thread: Thread & { message: Message };

  beforeAll(async () => {
    thread = await open(c.as.ines, {
      subject: 'Maths homework',
      participantIds: [c.ids.gwen],
      studentId: c.ids.ana,
      body: 'Ana has not handed in her homework this week.',
    });
  });

  it('opens a staff–guardian thread about the student, with its first message', () => {
    expect(thread).toMatchObject({
      kind: 'staff_guardian',
      subject: 'Maths homework',
      student: { id: c.ids.ana, name: 'Ana Pupil' },
      participating: true,
      message: { body: 'Ana has not handed in her homework this week.' },
    });
    expect(thread.participants.map(({ profileId, kind }) => [profileId, kind])).toEqual([
      [c.ids.ines, 'staff'],
      [c.ids.gwen, 'guardian'],
    ]);
  });

  it('notifies the guardian of the first message, not its author, with an email queued', async () => {
    expect(await notifiedBy(thread.message.id)).toEqual([c.ids.gwen]);
    const deliveries = await inSchema<{ channel: string; status: string }>(
      c.school,
      `SELECT d.channel, d.status FROM notification_deliveries d
         JOIN notifications n ON n.id = d.notification_id WHERE n.source_key = $1`,
      [`message:${thread.message.id}`],
    );
    // One email delivery; pg-boss is the run's, so another suite's worker may have taken it.
    expect(deliveries.map((d) => d.channel)).toEqual(['email']);
    expect(['pending', 'sent', 'skipped']).toContain(deliveries[0].status);
  });

  it('moves unread counts as messages are written and read', async () => {
    expect(await unreadOf(c.as.gwen)).toBe(1);
    expect(await unreadOf(c.as.ines)).toBe(0);
    const gwens = await listOf(c.as.gwen);
    expect(gwens.unread).toBe(1);
    expect(gwens.data.find(({ id }) => id === thread.id)).toMatchObject({
      unreadCount: 1,
      participating: true,
    });

    // Reading the thread marks it read.
    const read = bodyOf<ThreadDetail>(
      await call(c.school, c.as.gwen, 'GET', `/api/messages/threads/${thread.id}`),
      200,
    );
    expect(read.messages.data.map(({ body }) => body)).toEqual([
      'Ana has not handed in her homework this week.',
    ]);
    expect(await unreadOf(c.as.gwen)).toBe(0);

    // Gwen replies: Ines has one unread, Gwen none (her own message does not count).
    const answer = await reply(c.as.gwen, thread.id, 'Thank you, she will bring it Monday.');
    expect(answer.author).toEqual({
      profileId: c.ids.gwen,
      name: 'Gwen Guardian',
      kind: 'guardian',
    });
    expect(await notifiedBy(answer.id)).toEqual([c.ids.ines]);
    expect(await unreadOf(c.as.ines)).toBe(1);
    expect(await unreadOf(c.as.gwen)).toBe(0);
    await reply(c.as.gwen, thread.id, 'And sorry for the delay.');
    expect((await listOf(c.as.ines)).data.find(({ id }) => id === thread.id)?.unreadCount).toBe(2);

    const marked = bodyOf<{ unread: number }>(
      await call(c.school, c.as.ines, 'POST', `/api/messages/threads/${thread.id}/read`),
      200,
    );
    expect(marked).toEqual({ unread: 0 });
    expect(await unreadOf(c.as.ines)).toBe(0);
  });

  it('pages the messages oldest first', async () => {
    const page = bodyOf<ThreadDetail>(
      await call(
        c.school,
        c.as.ines,
        'GET',
        `/api/messages/threads/${thread.id}?pageSize=2&page=2`,
      ),
      200,
    );
    expect(page.messages.meta).toEqual({ page: 2, pageSize: 2, total: 3 });
    expect(page.messages.data.map(({ body }) => body)).toEqual(['And sorry for the delay.']);
  });

  it("keeps a guardian out of other people's threads and from opening threads", async () => {
    const staffOnly = await open(c.as.ines, {
      subject: 'Staff room',
      participantIds: [c.ids.otto],
      body: 'Coffee at ten?',
    });
    expect(staffOnly.kind).toBe('staff_staff');
    for (const [method, url, payload] of [
      ['GET', `/api/messages/threads/${staffOnly.id}`, undefined],
      ['POST', `/api/messages/threads/${staffOnly.id}/messages`, { body: 'Hello?' }],
      ['POST', `/api/messages/threads/${staffOnly.id}/read`, undefined],
    ] as const) {
      const response = await call(c.school, c.as.gwen, method, url, payload);
      expect({ status: response.statusCode, code: response.json().error.code }).toEqual({
        status: 404,
        code: 'MESSAGE_THREAD_NOT_FOUND',
      });
    }
    expect((await listOf(c.as.gwen)).data.map(({ id }) => id)).not.toContain(staffOnly.id);
    const opened = await call(c.school, c.as.gwen, 'POST', '/api/messages/threads', {
      subject: 'A question',
      participantIds: [c.ids.ines],
      body: 'Hello',
    });
    expect(opened.statusCode).toBe(403);
    expect(
      await inSchema(c.school, `SELECT 1 FROM message_threads WHERE subject = 'A question'`),
    ).toEqual([]);
  });

  it('costs the same statements to post whatever the number of participants', async () => {
    const many = await open(c.owner, {
      subject: 'Trip',
      participantIds: [c.ids.ines, c.ids.otto, c.ids.gwen],
      body: 'The trip is on Friday.',
    });
    expect(many.kind).toBe('staff_guardian');
    const post = (threadId: string) => () => reply(c.as.ines, threadId, 'Noted.');
    const few = await statementsSent(post(thread.id), t.urls.apiRole);
    const more = await statementsSent(post(many.id), t.urls.apiRole);
    expect(more).toBe(few);
    const last = (await listOf(c.as.otto)).data.find(({ id }) => id === many.id);
    expect(last?.unreadCount).toBe(4);
  });
});

describe('refusals', () => {
  it('answers 401 to anonymous callers on every route', async () => {
    const id = '00000000-0000-4000-8000-0000000000aa';
    for (const [method, url] of [
      ['GET', '/api/messages/threads'],
      ['POST', '/api/messages/threads'],
      ['GET', '/api/messages/unread'],
      ['GET', `/api/messages/threads/${id}`],
      ['POST', `/api/messages/threads/${id}/messages`],
      ['POST', `/api/messages/threads/${id}/read`],
    ] as const) {
      const response = await call(c.school, null, method, url, {});
      expect([url, response.statusCode]).toEqual([url, 401]);
    }
  });

  it('validates what opens a thread', async () => {
    for (const payload of [
      { subject: '', participantIds: [c.ids.gwen], body: 'x' },
      { subject: 'S', participantIds: [], body: 'x' },
      { subject: 'S', participantIds: Array(21).fill(c.ids.gwen), body: 'x' },
      { subject: 'S', participantIds: ['not-a-uuid'], body: 'x' },
      { subject: 'S', participantIds: [c.ids.gwen], body: '' },
      { subject: 'S', participantIds: [c.ids.gwen], body: 'x', extra: 1 },
      { subject: 'S', participantIds: [c.ids.ines], body: 'only me' },
    ]) {
      const response = await call(c.school, c.as.ines, 'POST', '/api/messages/threads', payload);
      expect([payload, response.statusCode, response.json().error.code]).toEqual([
        payload,
        400,
        'VALIDATION_FAILED',
      ]);
    }
  });

  it('refuses guardians and students together in one thread', async () => {
    const response = await call(c.school, c.owner, 'POST', '/api/messages/threads', {
      subject: 'Mixed',
      participantIds: [c.ids.gwen, c.ids.ana],
      body: 'Hello both',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe('participantIds');
  });
});

describe('another school', () => {
  let thread: Thread;

  beforeAll(async () => {
    thread = await open(c.as.ines, {
      subject: 'Private',
      participantIds: [c.ids.gwen],
      body: 'Between us.',
    });
  });

  it("answers 404 for this school's thread ids and lists none of them", async () => {
    for (const [method, url, payload] of [
      ['GET', `/api/messages/threads/${thread.id}`, undefined],
      ['POST', `/api/messages/threads/${thread.id}/messages`, { body: 'Hi' }],
      ['POST', `/api/messages/threads/${thread.id}/read`, undefined],
    ] as const) {
      const response = await call(otherSchool, otherOwner, method, url, payload);
      expect(response.statusCode).toBe(404);
    }
    const list = bodyOf<ThreadList>(
      await call(otherSchool, otherOwner, 'GET', '/api/messages/threads?scope=oversee'),
      200,
    );
    expect(list).toMatchObject({ data: [], unread: 0, meta: { total: 0 } });
    expect(
      await inSchema(c.school, `SELECT body FROM messages WHERE thread_id = $1`, [thread.id]),
    ).toEqual([{ body: 'Between us.' }]);
  });

  it("does not know this school's people as participants", async () => {
    const response = await call(otherSchool, otherOwner, 'POST', '/api/messages/threads', {
      subject: 'Hello',
      participantIds: [c.ids.gwen, c.ids.ines],
      body: 'Who are you?',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({
      code: 'MESSAGE_PARTICIPANT_NOT_FOUND',
      details: { ids: expect.arrayContaining([c.ids.gwen, c.ids.ines]) as unknown },
    });
  });

  it("does not take this school's signed-in people", async () => {
    const response = await call(otherSchool, c.as.gwen, 'GET', '/api/messages/threads');
    expect(response.statusCode).toBe(401);
  });
});
