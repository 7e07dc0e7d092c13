import { TenantMigrator } from '@schoolyard/fleet';
import { userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { bodyOf, caller } from './support/caller';
import { buildCli, runCommand } from './support/cli';
import { EsewaStandIn } from './support/esewa-stand-in';
import {
  createTestApp,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';

interface PlatformEventRow {
  actor: string;
  action: string;
  organization_id: string | null;
  school_slug: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

const platformEvents = (where: string, params: unknown[]) =>
  withOwnerClient(async (db) => {
    const found = await db.query<PlatformEventRow>(
      `SELECT actor, action, organization_id, school_slug, request_id, details
         FROM public.platform_audit_events WHERE ${where} ORDER BY at, id`,
      params,
    );
    return found.rows;
  });

const ofSchool = (school: RegisteredSchool) => platformEvents('organization_id = $1', [school.id]);

/**
 * What maintainers and the platform did, in public.platform_audit_events: the CLI's lifecycle
 * commands, fleet migrations, registrations and platform payments, each committed with the
 * change it describes.
 */
describe('platform audit trail', () => {
  const esewa = new EsewaStandIn();
  const jobsSchema = `jobs_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  const cliUser = `cli:${userInfo().username}`;

  beforeAll(async () => {
    const statusUrl = await esewa.start();
    // Jobs of its own: no other suite's app may work this one's payment rechecks.
    [t] = await Promise.all([
      createTestApp({ ESEWA_STATUS_URL: statusUrl, JOBS_SCHEMA: jobsSchema }),
      buildCli(),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await esewa.stop();
    await withOwnerClient((db) => db.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`));
  });

  it('records a registration in the provisioning transaction, naming the new owner', async () => {
    const school = await registerSchool(t.app);
    expect(await ofSchool(school)).toEqual([
      expect.objectContaining({
        actor: `account:${school.ownerUserId}`,
        action: 'school.registered',
        school_slug: school.slug,
        details: expect.objectContaining({ ownerAccountId: school.ownerUserId }),
      }),
    ]);
  });

  it('records suspend, resume, archive and drop run from the CLI, with the maintainer', async () => {
    const school = await registerSchool(t.app);
    const other = await registerSchool(t.app);
    for (const command of ['suspend', 'resume', 'archive']) {
      expect((await runCommand(['tenants', command, school.slug])).code).toBe(0);
    }
    // Archiving an archived school changes nothing, and records nothing.
    expect((await runCommand(['tenants', 'archive', school.slug])).code).toBe(0);
    expect(
      (await runCommand(['tenants', 'drop', school.slug, '--confirm', school.slug])).code,
    ).toBe(0);

    const lifecycle = (await ofSchool(school)).filter(
      (event) => event.action !== 'school.registered',
    );
    expect(
      lifecycle.map(({ actor, action, school_slug, details }) => ({
        actor,
        action,
        school_slug,
        from: details.from,
        to: details.to,
      })),
    ).toEqual([
      {
        actor: cliUser,
        action: 'school.suspended',
        school_slug: school.slug,
        from: 'active',
        to: 'suspended',
      },
      {
        actor: cliUser,
        action: 'school.resumed',
        school_slug: school.slug,
        from: 'suspended',
        to: 'active',
      },
      {
        actor: cliUser,
        action: 'school.archived',
        school_slug: school.slug,
        from: 'active',
        to: 'archived',
      },
      {
        actor: cliUser,
        action: 'school.dropped',
        school_slug: school.slug,
        from: undefined,
        to: undefined,
      },
    ]);
    // A command about one school says nothing about another.
    expect((await ofSchool(other)).map((event) => event.action)).toEqual(['school.registered']);
  });

  it('records a refused command nowhere', async () => {
    const school = await registerSchool(t.app);
    // An active school cannot be dropped.
    expect(
      (await runCommand(['tenants', 'drop', school.slug, '--confirm', school.slug])).code,
    ).not.toBe(0);
    expect((await ofSchool(school)).map((event) => event.action)).toEqual(['school.registered']);
  });

  it('records one school.migrated per school a migration run changed, and one fleet.migrated', async () => {
    const first = await registerSchool(t.app);
    const second = await registerSchool(t.app);
    const behind = [first, second];
    // Behind as a release that adds a permission leaves them: the catalog sync has work to do.
    await withOwnerClient(async (db) => {
      for (const school of behind) {
        await db.query(
          `DELETE FROM "school_${school.slug.replace(/-/g, '_')}".permissions WHERE code = 'data.export'`,
        );
        await db.query(
          `UPDATE tenant_migration_ledger SET last_migration = NULL, state = 'pending'
            WHERE organization_id = $1`,
          [school.id],
        );
      }
    });
    const migrator = t.app.get(TenantMigrator);
    const summary = await migrator.migrateFleet({
      concurrency: 2,
      slugs: behind.map((school) => school.slug),
      actor: 'test:platform-audit',
    });
    expect(summary.migrated.sort()).toEqual(behind.map((school) => school.slug).sort());

    for (const school of behind) {
      expect(
        (await ofSchool(school)).filter((event) => event.action === 'school.migrated'),
      ).toEqual([
        expect.objectContaining({
          actor: 'test:platform-audit',
          school_slug: school.slug,
          details: { from: migrator.latest, to: migrator.latest, applied: ['permission catalog'] },
        }),
      ]);
    }
    const runs = await platformEvents(`action = 'fleet.migrated' AND details -> 'slugs' ? $1`, [
      first.slug,
    ]);
    expect(runs).toEqual([
      expect.objectContaining({
        actor: 'test:platform-audit',
        organization_id: null,
        details: expect.objectContaining({ planned: 2, migrated: 2, failed: [] }),
      }),
    ]);
  });

  it('records a completed platform payment through the platform role, naming the account', async () => {
    const call = caller(t);
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const checkout = bodyOf<{ payment: { id: string; transactionUuid: string } }>(
      await call(school, owner, 'POST', '/api/payments/init', { planCode: 'basic', periods: 1 }),
      201,
    );
    esewa.answers.set(checkout.payment.transactionUuid, { status: 'COMPLETE', refId: 'AUD1' });
    const rechecked = await call(
      school,
      owner,
      'GET',
      `/api/payments/${checkout.payment.id}/recheck`,
      undefined,
      { 'x-request-id': 'platform-audit-payment' },
    );
    expect(rechecked.json()).toMatchObject({ status: 'complete' });
    // Asked again, a complete payment is answered from the record and recorded no second time.
    bodyOf(await call(school, owner, 'GET', `/api/payments/${checkout.payment.id}/recheck`), 200);

    const payments = (await ofSchool(school)).filter((event) =>
      event.action.startsWith('payment.'),
    );
    expect(payments).toEqual([
      {
        actor: `account:${school.ownerUserId}`,
        action: 'payment.completed',
        organization_id: school.id,
        school_slug: null,
        request_id: 'platform-audit-payment',
        details: expect.objectContaining({
          paymentId: checkout.payment.id,
          plan: 'basic',
          providerStatus: 'COMPLETE',
        }),
      },
    ]);
  });
});
