import { AuthSessions } from '@schoolyard/identity';
import { SchoolDirectory } from '@schoolyard/tenancy';
import { createMediumTier, type MediumTier, type TestSchool } from '../support/medium';
import { withOwnerClient } from '../support/test-app';

/**
 * The bounded caches of the request path (sessions, the host directory) keep each site's
 * invalidation: forgotten at once by the service that made the change, and by the database's
 * NOTIFY when the change was made elsewhere (another instance, SQL). Grants: roles spec.
 */
let tier: MediumTier;
let school: TestSchool;
let sessions: AuthSessions;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  sessions = tier.get(AuthSessions);
});

afterAll(() => tier?.close());

/** Polls until `check` holds: a NOTIFY arrives a moment after its transaction commits. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('the session cache', () => {
  it('stops trusting a session the moment this instance revokes it', async () => {
    const { sessionId } = await sessions.open(school.ownerUserId, school.id);
    expect(await sessions.isActive(sessionId, school.ownerUserId)).toBe(true); // cached now
    await sessions.revoke(sessionId, 'test');
    expect(await sessions.isActive(sessionId, school.ownerUserId)).toBe(false);
  });

  it("ends a user's other sessions and keeps the one asked", async () => {
    const kept = await sessions.open(school.ownerUserId, school.id);
    const other = await sessions.open(school.ownerUserId, school.id);
    for (const { sessionId } of [kept, other]) {
      expect(await sessions.isActive(sessionId, school.ownerUserId)).toBe(true);
    }
    await sessions.revokeOthers(school.ownerUserId, kept.sessionId, 'test');
    expect(await sessions.isActive(other.sessionId, school.ownerUserId)).toBe(false);
    expect(await sessions.isActive(kept.sessionId, school.ownerUserId)).toBe(true);
  });

  it('hears of a revocation made behind its back', async () => {
    const { sessionId } = await sessions.open(school.ownerUserId, school.id);
    expect(await sessions.isActive(sessionId, school.ownerUserId)).toBe(true);
    // As a revocation by another instance reaches this one: the row, then its notice.
    await withOwnerClient((db) =>
      db.query(
        `WITH ended AS (
           UPDATE public.auth_sessions SET revoked_at = now() WHERE id = $1 RETURNING id)
         SELECT pg_notify('auth_sessions', id::text) FROM ended`,
        [sessionId],
      ),
    );
    await eventually(async () => !(await sessions.isActive(sessionId, school.ownerUserId)));
  });

  it("does not trust a session for another user's id", async () => {
    const { sessionId } = await sessions.open(school.ownerUserId, school.id);
    expect(await sessions.isActive(sessionId, school.ownerUserId)).toBe(true);
    expect(await sessions.isActive(sessionId, '00000000-0000-4000-8000-000000000001')).toBe(false);
  });
});

describe('the host directory', () => {
  it("serves a school's new name once the registry announces it", async () => {
    const directory = tier.get(SchoolDirectory);
    expect((await directory.findByHost(school.host))?.name).toBe(school.name); // cached now
    await withOwnerClient((db) =>
      db.query(`UPDATE organizations SET name = 'Renamed Behind Its Back' WHERE id = $1`, [
        school.id,
      ]),
    );
    await eventually(
      async () => (await directory.findByHost(school.host))?.name === 'Renamed Behind Its Back',
    );
  });

  it('remembers an unknown host as unknown until a domain for it is announced', async () => {
    const directory = tier.get(SchoolDirectory);
    const host = `alias-${school.slug}.localhost`;
    expect(await directory.findByHost(host)).toBeNull(); // cached as unknown now
    await withOwnerClient((db) =>
      db.query(
        `INSERT INTO public.domains (host, organization_id, is_primary) VALUES ($1, $2, false)`,
        [host, school.id],
      ),
    );
    await eventually(async () => (await directory.findByHost(host))?.id === school.id);
  });
});
