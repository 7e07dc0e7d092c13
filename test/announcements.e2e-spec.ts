import { AnnouncementsPublishing } from '@schoolyard/communication';
import { bodyOf, caller, type Page } from './support/caller';
import { type Campus, campus } from './support/campus';
import { inSchema } from './support/school-year';
import {
  createTestApp,
  type RegisteredSchool,
  type SignedIn,
  type TestApp,
} from './support/test-app';

interface Announcement {
  id: string;
  title: string;
  pinned: boolean;
  publishedAt: string | null;
  recipients: number | null;
  readCount: number;
  channels: string[];
}
interface FeedItem {
  id: string;
  title: string;
  readAt: string | null;
}

describe('announcements', () => {
  let t: TestApp;
  let call: ReturnType<typeof caller>;
  let c: Campus;
  let other: Campus;

  const announce = async (payload: object, who: SignedIn = c.owner, status = 201) =>
    bodyOf<Announcement>(
      await call(c.school, who, 'POST', '/api/announcements', {
        title: 'Notice',
        body: 'Please read.',
        ...payload,
      }),
      status,
    );
  const feedOf = async (who: SignedIn, school: RegisteredSchool = c.school) =>
    bodyOf<Page<FeedItem>>(await call(school, who, 'GET', '/api/announcements/feed'), 200).data;
  const count = async (sql: string, parameters: unknown[] = []) =>
    Number((await inSchema<{ n: string }>(c.school, sql, parameters))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    call = caller(t);
    c = await campus(t);
    other = await campus(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 401 to an anonymous caller and 403 to staff without announcements.manage', async () => {
    const id = (await announce({ audience: { kind: 'school', ids: [] } })).id;
    for (const [method, url] of [
      ['POST', '/api/announcements'],
      ['GET', '/api/announcements'],
      ['GET', `/api/announcements/${id}`],
      ['PATCH', `/api/announcements/${id}`],
      ['DELETE', `/api/announcements/${id}`],
      ['GET', '/api/announcements/feed'],
      ['POST', `/api/announcements/${id}/read`],
    ] as const) {
      const payload = method === 'GET' || method === 'DELETE' ? undefined : {};
      expect((await call(c.school, null, method, url, payload)).statusCode).toBe(401);
    }
    const made = { title: 'Mine', body: 'Hi', audience: { kind: 'school', ids: [] } };
    for (const [method, url, payload] of [
      ['POST', '/api/announcements', made],
      ['GET', '/api/announcements', undefined],
      ['GET', `/api/announcements/${id}`, undefined],
      ['PATCH', `/api/announcements/${id}`, { title: 'Changed' }],
      ['DELETE', `/api/announcements/${id}`, undefined],
    ] as const) {
      const answer = await call(c.school, c.as.ines, method, url, payload);
      expect(answer.statusCode).toBe(403);
    }
    // A recipient without the permission still reads and marks it.
    expect((await feedOf(c.as.ines)).map((item) => item.id)).toContain(id);
    bodyOf(await call(c.school, c.as.ines, 'POST', `/api/announcements/${id}/read`), 200);
    expect(await count('SELECT count(*) AS n FROM announcements WHERE id = $1', [id])).toBe(1);
  });

  it("refuses another school's ids with 404 naming them, and keeps each school's announcements its own", async () => {
    const before = await count('SELECT count(*) AS n FROM announcements');
    const refused = await call(c.school, c.owner, 'POST', '/api/announcements', {
      title: 'Sneaky',
      body: 'Reaching across',
      audience: { kind: 'sections', ids: [c.sectionA.id, other.sectionB.id] },
    });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toMatchObject({
      error: {
        code: 'AUDIENCE_NOT_FOUND',
        details: { kind: 'sections', ids: [other.sectionB.id] },
      },
    });
    expect(await count('SELECT count(*) AS n FROM announcements')).toBe(before);

    const ours = await announce({ title: 'Ours only', audience: { kind: 'school', ids: [] } });
    const theirs = bodyOf<Announcement>(
      await call(other.school, other.owner, 'POST', '/api/announcements', {
        title: 'Theirs only',
        body: 'Hello',
        audience: { kind: 'school', ids: [] },
      }),
      201,
    );
    for (const [method, url, payload] of [
      ['GET', `/api/announcements/${ours.id}`, undefined],
      ['PATCH', `/api/announcements/${ours.id}`, { title: 'Taken over' }],
      ['POST', `/api/announcements/${ours.id}/read`, undefined],
      ['DELETE', `/api/announcements/${ours.id}`, undefined],
    ] as const) {
      const answer = await call(other.school, other.owner, method, url, payload);
      expect(answer.statusCode).toBe(404);
    }
    const theirList = bodyOf<Page<Announcement>>(
      await call(other.school, other.owner, 'GET', '/api/announcements'),
      200,
    );
    expect(theirList.data.map((a) => a.id)).toEqual([theirs.id]);
    expect((await feedOf(other.owner, other.school)).map((a) => a.id)).toEqual([theirs.id]);
    expect((await feedOf(c.owner)).map((a) => a.id)).not.toContain(theirs.id);
    const ourGet = await call(c.school, c.owner, 'GET', `/api/announcements/${theirs.id}`);
    expect(ourGet.statusCode).toBe(404);
    expect((await call(c.school, c.owner, 'GET', `/api/announcements/${ours.id}`)).statusCode).toBe(
      200,
    );
  });

  it('shows each person only what their audience includes: pinned first, then newest; not expired, not scheduled', async () => {
    const school = { kind: 'school', ids: [] };
    const pinned = await announce({ title: 'Pinned', pinned: true, audience: school });
    const toA = await announce({
      title: '7A',
      audience: { kind: 'sections', ids: [c.sectionA.id] },
    });
    const toGuardiansA = await announce({
      title: '7A families',
      audience: { kind: 'section_guardians', ids: [c.sectionA.id] },
    });
    const toB = await announce({
      title: '7B',
      audience: { kind: 'sections', ids: [c.sectionB.id] },
    });
    const expired = await announce({ title: 'Expired', pinned: true, audience: school });
    await inSchema(
      c.school,
      `UPDATE announcements SET publish_at = now() - interval '2 hours',
              expires_at = now() - interval '1 minute' WHERE id = $1`,
      [expired.id],
    );
    const scheduled = await announce({
      title: 'Later',
      audience: school,
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(scheduled.publishedAt).toBeNull();
    expect(scheduled.recipients).toBeNull();
    const newest = await announce({ title: 'Newest', audience: school });

    const titles = async (who: SignedIn) => {
      const seen = (await feedOf(who)).map((item) => item.id);
      const mine = [pinned, toA, toGuardiansA, toB, expired, scheduled, newest];
      return seen
        .filter((id) => mine.some((a) => a.id === id))
        .map((id) => mine.find((a) => a.id === id)!.title);
    };
    expect(await titles(c.as.ana)).toEqual(['Pinned', 'Newest', '7A']);
    expect(await titles(c.as.ines)).toEqual(['Pinned', 'Newest', '7A']);
    expect(await titles(c.as.gwen)).toEqual(['Pinned', 'Newest', '7A families']);
    expect(await titles(c.as.cleo)).toEqual(['Pinned', 'Newest', '7B']);
    expect(await titles(c.owner)).toEqual(['Pinned', 'Newest']);
  });

  it('records read receipts: the reader sees readAt, the office counts them', async () => {
    const made = await announce({
      title: 'Trip',
      audience: { kind: 'sections', ids: [c.sectionA.id] },
    });
    expect(made.recipients).toBe(3);
    expect((await feedOf(c.as.ana)).find((item) => item.id === made.id)!.readAt).toBeNull();

    const read = bodyOf<{ id: string; readAt: string }>(
      await call(c.school, c.as.ana, 'POST', `/api/announcements/${made.id}/read`),
      200,
    );
    expect(read.readAt).toBeTruthy();
    const again = bodyOf<{ readAt: string }>(
      await call(c.school, c.as.ana, 'POST', `/api/announcements/${made.id}/read`),
      200,
    );
    expect(again.readAt).toBe(read.readAt); // the first reading stays
    expect((await feedOf(c.as.ana)).find((item) => item.id === made.id)!.readAt).toBe(read.readAt);
    expect(
      await count(
        `SELECT count(*) AS n FROM notifications WHERE source_key = $1 AND read_at IS NOT NULL`,
        [`announcement:${made.id}`],
      ),
    ).toBe(1);

    // Not a recipient: Cleo is in 7B, Gwen a guardian.
    for (const who of [c.as.cleo, c.as.gwen]) {
      const refused = await call(c.school, who, 'POST', `/api/announcements/${made.id}/read`);
      expect(refused.statusCode).toBe(404);
    }
    const one = bodyOf<Announcement>(
      await call(c.school, c.owner, 'GET', `/api/announcements/${made.id}`),
      200,
    );
    expect(one).toMatchObject({ recipients: 3, readCount: 1 });
    const list = bodyOf<Page<Announcement>>(
      await call(c.school, c.owner, 'GET', '/api/announcements?pageSize=100'),
      200,
    );
    expect(list.data.find((a) => a.id === made.id)).toMatchObject({ recipients: 3, readCount: 1 });
  });

  it('publishes a scheduled announcement once, however often its job runs', async () => {
    const made = await announce({
      title: 'Scheduled',
      channels: ['email'],
      audience: { kind: 'sections', ids: [c.sectionB.id] },
      publishAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const publishing = t.app.get(AnnouncementsPublishing);
    // Not due yet: the job leaves it.
    await publishing.publishDue(c.school.id);
    expect((await feedOf(c.as.cleo)).map((item) => item.id)).not.toContain(made.id);
    expect(
      await count('SELECT count(*) AS n FROM announcement_recipients WHERE announcement_id = $1', [
        made.id,
      ]),
    ).toBe(0);

    await inSchema(
      c.school,
      `UPDATE announcements SET publish_at = now() - interval '1 second' WHERE id = $1`,
      [made.id],
    );
    const runs = await Promise.all([
      publishing.publishDue(c.school.id),
      publishing.publishDue(c.school.id),
    ]);
    runs.push(await publishing.publishDue(c.school.id));
    // The instance's own sweep may have been first; either way it went out once.
    expect(runs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    const [row] = await inSchema<{ published_at: Date | null; recipients: number }>(
      c.school,
      'SELECT published_at, recipients FROM announcements WHERE id = $1',
      [made.id],
    );
    expect(row.published_at).not.toBeNull();
    expect(row.recipients).toBe(2);
    expect(
      await count('SELECT count(*) AS n FROM announcement_recipients WHERE announcement_id = $1', [
        made.id,
      ]),
    ).toBe(2);
    expect(
      await count('SELECT count(*) AS n FROM notifications WHERE source_key = $1', [
        `announcement:${made.id}`,
      ]),
    ).toBe(2);
    expect(
      await count(
        `SELECT count(*) AS n FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id
          WHERE n.source_key = $1 AND d.channel = 'email'`,
        [`announcement:${made.id}`],
      ),
    ).toBe(2);
    expect((await feedOf(c.as.cleo)).map((item) => item.id)).toContain(made.id);
    expect(await publishing.publishDue(c.school.id)).toBe(0);

    // Once published, who it is for no longer changes; its words still may.
    const moved = await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
      audience: { kind: 'school', ids: [] },
    });
    expect(moved.statusCode).toBe(409);
    expect(moved.json()).toMatchObject({ error: { code: 'ANNOUNCEMENT_PUBLISHED' } });
    const renamed = bodyOf<Announcement>(
      await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
        title: 'Renamed',
        pinned: true,
      }),
      200,
    );
    expect(renamed).toMatchObject({ title: 'Renamed', pinned: true, recipients: 2 });
  });

  it('changes, reschedules and withdraws an announcement before publication', async () => {
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const made = await announce({
      title: 'Draft',
      audience: { kind: 'sections', ids: [c.sectionA.id] },
      publishAt: later,
    });
    const moved = bodyOf<Announcement>(
      await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
        audience: { kind: 'section_guardians', ids: [c.sectionA.id] },
      }),
      200,
    );
    expect(moved.publishedAt).toBeNull();
    const unknown = await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
      audience: { kind: 'levels', ids: [other.level.id] },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'AUDIENCE_NOT_FOUND' } });
    const badExpiry = await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(badExpiry.statusCode).toBe(400);

    // Brought forward to now: published by this request, to its new audience.
    const now = bodyOf<Announcement>(
      await call(c.school, c.owner, 'PATCH', `/api/announcements/${made.id}`, {
        publishAt: new Date(Date.now() - 1000).toISOString(),
      }),
      200,
    );
    expect(now.publishedAt).not.toBeNull();
    expect(now.recipients).toBe(1);
    expect((await feedOf(c.as.gwen)).map((item) => item.id)).toContain(made.id);

    expect(
      (await call(c.school, c.owner, 'DELETE', `/api/announcements/${made.id}`)).statusCode,
    ).toBe(204);
    expect((await feedOf(c.as.gwen)).map((item) => item.id)).not.toContain(made.id);
    const gone = await call(c.school, c.owner, 'GET', `/api/announcements/${made.id}`);
    expect(gone.statusCode).toBe(404);
    const twice = await call(c.school, c.owner, 'DELETE', `/api/announcements/${made.id}`);
    expect(twice.statusCode).toBe(404);
  });
});
