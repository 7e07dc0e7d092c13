import { type NotificationBatch, writeNotifications } from '@schoolyard/communication';
import { SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { randomUUID } from 'node:crypto';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { schemaOf } from './support/school-year';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

/*
 * The inbox and its preferences, through the whole HTTP stack: each person sees and marks
 * only their own notifications, another school's ids are 404, and a category's email switched
 * off writes no email delivery.
 */

let t: TestApp;
let c: Campus;
let other: RegisteredSchool;
let otherOwner: SignedIn;
const call = caller(() => t);

interface Inbox {
  data: Array<{ id: string; category: string; title: string; readAt: string | null }>;
  meta: { page: number; pageSize: number; total: number };
  unreadCount: number;
}

interface Preferences {
  channels: Array<{ category: string; channel: string; enabled: boolean }>;
  quietHours: { startsAt: string; endsAt: string } | null;
  schoolChannels: { email: boolean; sms: boolean };
}

/** Writes a notification to each of `profileIds` as a producer would, in the school's transaction. */
async function notify(
  school: RegisteredSchool,
  profileIds: string[],
  batch: Partial<NotificationBatch> = {},
): Promise<void> {
  const found = await t.app.get(SchoolDirectory).findByHost(school.host);
  await t.app.get(TenantTransactions).run(found!, (manager) =>
    writeNotifications(manager, {
      recipientsSql: 'SELECT unnest($1::uuid[]) AS profile_id',
      parameters: [profileIds],
      category: 'announcement',
      title: 'Sports day',
      body: 'Sports day is on Friday.',
      sourceKey: `test:${randomUUID()}`,
      channels: [],
      ...batch,
    }),
  );
}

const inboxOf = async (who: SignedIn, query = '') =>
  bodyOf<Inbox>(await call(c.school, who, 'GET', `/api/notifications${query}`), 200);

beforeAll(async () => {
  t = await createTestApp({ JOBS_WORKER: 'false' });
  c = await campus(t);
  other = await registerSchool(t.app);
  otherOwner = await signIn(t.app, other.host, other.ownerUsername);
});

afterAll(() => t?.close());

it('answers 401 to an anonymous caller on every route', async () => {
  const id = randomUUID();
  for (const [method, url] of [
    ['GET', '/api/notifications'],
    ['PATCH', `/api/notifications/${id}/read`],
    ['POST', '/api/notifications/read-all'],
    ['GET', '/api/notifications/preferences'],
    ['PUT', '/api/notifications/preferences'],
  ] as const) {
    const response = await call(c.school, null, method, url, method === 'PUT' ? {} : undefined);
    expect([method, url, response.statusCode]).toEqual([method, url, 401]);
  }
});

it('shows each person only their own notifications, newest first, and marks them read', async () => {
  await notify(c.school, [c.ids.gwen], { category: 'attendance', title: 'Ana was absent' });
  await notify(c.school, [c.ids.gwen], { category: 'results', title: 'Results are out' });
  await notify(c.school, [c.ids.ana], { title: 'Only for Ana' });

  const gwen = await inboxOf(c.as.gwen);
  expect(gwen.data.map((n) => n.title)).toEqual(['Results are out', 'Ana was absent']);
  expect(gwen.unreadCount).toBe(2);
  expect(gwen.meta).toEqual({ page: 1, pageSize: 20, total: 2 });
  const ana = await inboxOf(c.as.ana);
  expect(ana.data.map((n) => n.title)).toEqual(['Only for Ana']);
  expect((await inboxOf(c.as.ines)).data).toEqual([]);

  expect((await inboxOf(c.as.gwen, '?category=attendance')).data.map((n) => n.title)).toEqual([
    'Ana was absent',
  ]);
  const paged = await inboxOf(c.as.gwen, '?pageSize=1&page=2');
  expect(paged.data.map((n) => n.title)).toEqual(['Ana was absent']);
  expect(paged.meta.total).toBe(2);
  bodyOf(await call(c.school, c.as.gwen, 'GET', '/api/notifications?unread=maybe'), 400);

  // Someone else's notification is not found, and stays unread.
  const notFound = await call(
    c.school,
    c.as.gwen,
    'PATCH',
    `/api/notifications/${ana.data[0].id}/read`,
  );
  expect(bodyOf<{ error: { code: string } }>(notFound, 404).error.code).toBe(
    'NOTIFICATION_NOT_FOUND',
  );
  expect((await inboxOf(c.as.ana)).unreadCount).toBe(1);

  const read = bodyOf<{ readAt: string }>(
    await call(c.school, c.as.gwen, 'PATCH', `/api/notifications/${gwen.data[1].id}/read`),
    200,
  );
  expect(read.readAt).not.toBeNull();
  const after = await inboxOf(c.as.gwen, '?unread=true');
  expect(after.data.map((n) => n.title)).toEqual(['Results are out']);
  expect(after.unreadCount).toBe(1);

  const all = bodyOf<{ marked: number }>(
    await call(c.school, c.as.gwen, 'POST', '/api/notifications/read-all'),
    200,
  );
  expect(all).toEqual({ marked: 1, unreadCount: 0 });
  expect((await inboxOf(c.as.gwen)).unreadCount).toBe(0);
  expect((await inboxOf(c.as.ana)).unreadCount).toBe(1);
});

it("answers 404 for another school's notification ids, and touches nothing there", async () => {
  const [owner] = (
    await withOwnerClient((db) =>
      db.query<{ id: string }>(`SELECT id FROM "${schemaOf(other)}".profiles WHERE kind = 'owner'`),
    )
  ).rows;
  await notify(other, [owner.id], { title: 'Elsewhere' });
  const theirs = bodyOf<Inbox>(await call(other, otherOwner, 'GET', '/api/notifications'), 200);
  expect(theirs.data.map((n) => n.title)).toEqual(['Elsewhere']);

  const attempt = await call(
    c.school,
    c.owner,
    'PATCH',
    `/api/notifications/${theirs.data[0].id}/read`,
  );
  expect(attempt.statusCode).toBe(404);
  expect((await inboxOf(c.owner)).data).toEqual([]);
  // Their token is not a sign-in here.
  expect((await call(c.school, otherOwner, 'GET', '/api/notifications')).statusCode).toBe(401);
  const still = bodyOf<Inbox>(await call(other, otherOwner, 'GET', '/api/notifications'), 200);
  expect(still.unreadCount).toBe(1);
});

it('keeps every switch on by default and changes switches and quiet hours all or nothing', async () => {
  const initial = bodyOf<Preferences>(
    await call(c.school, c.as.ines, 'GET', '/api/notifications/preferences'),
    200,
  );
  expect(initial.channels).toHaveLength(10);
  expect(initial.channels.every((p) => p.enabled)).toBe(true);
  expect(initial.quietHours).toBeNull();
  expect(initial.schoolChannels).toEqual({ email: true, sms: false });

  const changed = bodyOf<Preferences>(
    await call(c.school, c.as.ines, 'PUT', '/api/notifications/preferences', {
      channels: [{ category: 'results', channel: 'email', enabled: false }],
      quietHours: { startsAt: '21:00', endsAt: '06:30' },
    }),
    200,
  );
  expect(changed.channels.filter((p) => !p.enabled)).toEqual([
    { category: 'results', channel: 'email', enabled: false },
  ]);
  expect(changed.quietHours).toEqual({ startsAt: '21:00', endsAt: '06:30' });

  // A refused change writes nothing, not even its valid part.
  for (const refused of [
    {
      channels: [{ category: 'fees', channel: 'email', enabled: false }],
      quietHours: { startsAt: '25:00', endsAt: '06:00' },
    },
    {
      channels: [
        { category: 'fees', channel: 'sms', enabled: false },
        { category: 'fees', channel: 'sms', enabled: true },
      ],
    },
    {
      channels: [{ category: 'fees', channel: 'email', enabled: false }],
      quietHours: { startsAt: '07:00', endsAt: '07:00' },
    },
    { channels: [{ category: 'homework', channel: 'email', enabled: false }] },
  ]) {
    const response = await call(
      c.school,
      c.as.ines,
      'PUT',
      '/api/notifications/preferences',
      refused,
    );
    expect(bodyOf<{ error: { code: string } }>(response, 400).error.code).toBe('VALIDATION_FAILED');
  }
  const unchanged = bodyOf<Preferences>(
    await call(c.school, c.as.ines, 'GET', '/api/notifications/preferences'),
    200,
  );
  expect(unchanged).toEqual(changed);
  // Otto's are his own.
  const otto = bodyOf<Preferences>(
    await call(c.school, c.as.otto, 'GET', '/api/notifications/preferences'),
    200,
  );
  expect(otto.channels.every((p) => p.enabled)).toBe(true);

  const cleared = bodyOf<Preferences>(
    await call(c.school, c.as.ines, 'PUT', '/api/notifications/preferences', { quietHours: null }),
    200,
  );
  expect(cleared.quietHours).toBeNull();
  expect(cleared.channels.filter((p) => !p.enabled)).toHaveLength(1);
});

it('writes no email delivery for a category whose email the person switched off', async () => {
  bodyOf(
    await call(c.school, c.as.otto, 'PUT', '/api/notifications/preferences', {
      channels: [{ category: 'results', channel: 'email', enabled: false }],
    }),
    200,
  );
  const sourceKey = `test:${randomUUID()}`;
  await notify(c.school, [c.ids.otto, c.ids.ben], {
    category: 'results',
    sourceKey,
    channels: ['email'],
  });
  const rows = await withOwnerClient((db) =>
    db.query<{ profile_id: string; deliveries: number }>(
      `SELECT n.profile_id, (SELECT count(*)::int FROM "${schemaOf(c.school)}".notification_deliveries d
                              WHERE d.notification_id = n.id) AS deliveries
         FROM "${schemaOf(c.school)}".notifications n WHERE n.source_key = $1`,
      [sourceKey],
    ),
  );
  const byProfile = Object.fromEntries(rows.rows.map((r) => [r.profile_id, r.deliveries]));
  expect(byProfile).toEqual({ [c.ids.otto]: 0, [c.ids.ben]: 1 });
});

it("turns the school's channels on and off with school.update only (403 without)", async () => {
  const refused = await call(c.school, c.as.gwen, 'PATCH', '/api/school', { smsEnabled: true });
  expect(refused.statusCode).toBe(403);
  bodyOf(await call(c.school, c.owner, 'PATCH', '/api/school', { emailEnabled: null }), 400);
  const changed = bodyOf<{ emailEnabled: boolean; smsEnabled: boolean }>(
    await call(c.school, c.owner, 'PATCH', '/api/school', {
      smsEnabled: true,
      emailEnabled: false,
    }),
    200,
  );
  expect(changed).toMatchObject({ emailEnabled: false, smsEnabled: true });
  const shown = bodyOf<{ emailEnabled: boolean; smsEnabled: boolean }>(
    await call(c.school, null, 'GET', '/api/school'),
    200,
  );
  expect(shown).toMatchObject({ emailEnabled: false, smsEnabled: true });
  const preferences = bodyOf<Preferences>(
    await call(c.school, c.as.gwen, 'GET', '/api/notifications/preferences'),
    200,
  );
  expect(preferences.schoolChannels).toEqual({ email: false, sms: true });
});
