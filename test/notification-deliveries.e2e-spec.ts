import { jest } from '@jest/globals';
import {
  DeliveriesPlatformRepository,
  DeliveriesRepository,
  NotificationDeliveries,
  type NotificationBatch,
  writeNotifications,
} from '@schoolyard/communication';
import { SchoolDirectory, TenantTransactions } from '@schoolyard/tenancy';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { bodyOf, caller } from './support/caller';
import { type Campus, campus } from './support/campus';
import { schemaOf } from './support/school-year';
import { createTestApp, type TestApp, withOwnerClient } from './support/test-app';

/*
 * The delivery job on the real database, with the SMS provider the configuration names (the
 * http adapter, against a gateway on a local port) and mail written to the platform's outbox.
 * The job runner is off in this app, so only the calls made here deliver.
 */

let t: TestApp;
let c: Campus;
let gateway: Server;
let schema: string;
let gwenEmail: string;
const call = caller(() => t);

/** What the gateway received, and the statuses it answers next (then 200). */
const received: Array<{ headers: IncomingHttpHeaders; body: { to: string; text: string } }> = [];
const answers: number[] = [];

beforeAll(async () => {
  gateway = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(raw) });
      const status = answers.shift() ?? 200;
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify(status === 200 ? { id: `gw-${received.length}` } : { error: 'down' }));
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const { port } = gateway.address() as AddressInfo;
  t = await createTestApp({
    JOBS_WORKER: 'false',
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: `http://127.0.0.1:${port}/messages`,
    SMS_HTTP_TOKEN: 'gateway-token',
  });
  c = await campus(t);
  schema = schemaOf(c.school);
  gwenEmail = `gwen-${randomBytes(5).toString('hex')}@mail.test`;
  await withOwnerClient(async (db) => {
    await db.query(
      `UPDATE public.users SET email = $2, email_verified_at = now()
        WHERE id = (SELECT user_id FROM "${schema}".profiles WHERE id = $1)`,
      [c.ids.gwen, gwenEmail],
    );
    await db.query(
      `UPDATE "${schema}".guardians SET phone = '+977 981-234-5678' WHERE profile_id = $1`,
      [c.ids.gwen],
    );
  });
  bodyOf(await call(c.school, c.owner, 'PATCH', '/api/school', { smsEnabled: true }), 200);
});

afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => gateway?.close(resolve));
});

afterEach(() => jest.restoreAllMocks());

/** A notification to Gwen, as a producer writes it; answers its deliveries' ids by channel. */
async function notifyGwen(batch: Partial<NotificationBatch>): Promise<Record<string, string>> {
  const school = await t.app.get(SchoolDirectory).findByHost(c.school.host);
  const sourceKey = `test:${randomUUID()}`;
  await t.app.get(TenantTransactions).run(school!, (manager) =>
    writeNotifications(manager, {
      recipientsSql: 'SELECT $1::uuid AS profile_id',
      parameters: [c.ids.gwen],
      category: 'results',
      title: 'Results are out',
      body: "Ana's term results are published.",
      sourceKey,
      channels: ['email', 'sms'],
      ...batch,
    }),
  );
  const rows = await sql<{ id: string; channel: string }>(
    `SELECT d.id, d.channel FROM "${schema}".notification_deliveries d
       JOIN "${schema}".notifications n ON n.id = d.notification_id WHERE n.source_key = $1`,
    [sourceKey],
  );
  return Object.fromEntries(rows.map((row) => [row.channel, row.id]));
}

async function sql<T extends object>(text: string, parameters: unknown[] = []): Promise<T[]> {
  return withOwnerClient(async (db) => (await db.query<T>(text, parameters)).rows);
}

const deliver = () => t.app.get(NotificationDeliveries).deliver(c.school.id);

async function delivery(id: string) {
  const [row] = await sql<{
    status: string;
    attempts: number;
    skip_reason: string | null;
    provider_ref: string | null;
    last_error: string | null;
    address: string | null;
    due: boolean;
    not_before: Date;
  }>(
    `SELECT status, attempts, skip_reason, provider_ref, last_error, address, not_before,
            not_before <= now() AS due
       FROM "${schema}".notification_deliveries WHERE id = $1`,
    [id],
  );
  return row;
}

const mailsOf = (id: string) =>
  sql<{ recipient: string; template: string; params: Record<string, string> }>(
    `SELECT m.recipient, m.template, m.params FROM public.mail_outbox m
       JOIN "${schema}".notification_deliveries d
         ON m.dedupe_key = 'notification:' || d.idempotency_key
      WHERE d.id = $1`,
    [id],
  );

it('mails through the outbox once, even when the job is retried after writing the mail', async () => {
  const { email } = await notifyGwen({ channels: ['email'] });
  await deliver();
  expect(await delivery(email)).toMatchObject({ status: 'sent', attempts: 1, address: gwenEmail });
  const [mail] = await mailsOf(email);
  expect(mail).toMatchObject({ recipient: gwenEmail, template: 'notification' });
  // The outbox is the whole database's: another suite's in-process mail worker may have sent
  // it already, and sending wipes a mail's parameters.
  if (Object.keys(mail.params).length > 0) {
    expect(mail.params).toMatchObject({
      title: 'Results are out',
      schoolName: c.school.name,
      host: c.school.host,
    });
  }

  // As if the job had died after the outbox's commit, before its own.
  await sql(
    `UPDATE "${schema}".notification_deliveries
                SET status = 'pending', sent_at = NULL, attempts = 0 WHERE id = $1`,
    [email],
  );
  await deliver();
  expect(await delivery(email)).toMatchObject({ status: 'sent' });
  expect(await mailsOf(email)).toHaveLength(1);
});

it('sends a text message once when the gateway fails first, with one key throughout', async () => {
  const before = received.length;
  answers.push(500);
  const { sms } = await notifyGwen({ channels: ['sms'] });
  await deliver();
  const failed = await delivery(sms);
  expect(failed).toMatchObject({ status: 'pending', attempts: 1, due: false });
  expect(failed.last_error).toBe('SMS gateway answered 500');
  await deliver(); // not due yet: nothing goes
  expect(received.length - before).toBe(1);

  await sql(`UPDATE "${schema}".notification_deliveries SET not_before = now() WHERE id = $1`, [
    sms,
  ]);
  await deliver();
  await deliver();
  const sent = await delivery(sms);
  expect(sent).toMatchObject({ status: 'sent', attempts: 2, address: '+9779812345678' });
  const calls = received.slice(before);
  expect(calls).toHaveLength(2);
  expect(sent.provider_ref).toBe(`gw-${before + 2}`);
  expect(new Set(calls.map((r) => r.headers['idempotency-key']))).toEqual(
    new Set([`${await keyOf(sms)}`]),
  );
  expect(calls[1].headers.authorization).toBe('Bearer gateway-token');
  expect(calls[1].body).toEqual({
    to: '+9779812345678',
    text: `${c.school.name}: Results are out - Ana's term results are published.`,
  });
});

it('never sends again a text message whose job died after the gateway took it', async () => {
  const before = received.length;
  const { sms } = await notifyGwen({ channels: ['sms'] });
  jest
    .spyOn(t.app.get(DeliveriesRepository), 'recordSmsResults')
    .mockRejectedValueOnce(new Error('the process died here'));
  await expect(deliver()).rejects.toThrow('the process died here');
  expect(received.length - before).toBe(1);
  expect(await delivery(sms)).toMatchObject({ status: 'sending', attempts: 1 });

  // The retried job, and the sweep's, leave it alone.
  await deliver();
  expect(received.length - before).toBe(1);
  expect(await t.app.get(DeliveriesPlatformRepository).schoolsWithDueDeliveries()).not.toContain(
    c.school.id,
  );
  // Long after, it is failed, said so, and still not sent again.
  await sql(
    `UPDATE "${schema}".notification_deliveries SET not_before = now() - interval '11 minutes'
      WHERE id = $1`,
    [sms],
  );
  expect(await t.app.get(DeliveriesPlatformRepository).schoolsWithDueDeliveries()).toContain(
    c.school.id,
  );
  await deliver();
  const given = await delivery(sms);
  expect(given.status).toBe('failed');
  expect(given.last_error).toMatch(/interrupted while sending/);
  expect(received.length - before).toBe(1);
});

it('holds a delivery until quiet hours end, checks them again, and sends once they are over', async () => {
  const [{ timezone }] = await sql<{ timezone: string }>(
    `SELECT timezone FROM "${schema}".school_settings`,
  );
  const local = (offsetHours: number) =>
    new Date(Date.now() + offsetHours * 3_600_000).toLocaleTimeString('en-GB', {
      timeZone: timezone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  bodyOf(
    await call(c.school, c.as.gwen, 'PUT', '/api/notifications/preferences', {
      quietHours: { startsAt: local(-1), endsAt: local(2) },
    }),
    200,
  );
  const { email } = await notifyGwen({ channels: ['email'] });
  // The function reads the school's tables unqualified: asked in the school's transaction.
  const school = await t.app.get(SchoolDirectory).findByHost(c.school.host);
  const [{ ends }] = (await t.app
    .get(TenantTransactions)
    .run(school!, (manager) =>
      manager.query('SELECT quiet_hours_end($1) AS ends', [c.ids.gwen]),
    )) as Array<{ ends: Date }>;
  expect(ends.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
  const held = await delivery(email);
  expect(held).toMatchObject({ status: 'pending', due: false });
  expect(held.not_before.getTime()).toBe(ends.getTime());
  await deliver();
  expect(await mailsOf(email)).toHaveLength(0);

  // Made due by hand while the hours still run: the job looks again and holds it again.
  const makeDue = () =>
    sql(`UPDATE "${schema}".notification_deliveries SET not_before = now() WHERE id = $1`, [email]);
  await makeDue();
  await deliver();
  expect(await delivery(email)).toMatchObject({ status: 'pending', due: false });
  expect(await mailsOf(email)).toHaveLength(0);

  bodyOf(
    await call(c.school, c.as.gwen, 'PUT', '/api/notifications/preferences', { quietHours: null }),
    200,
  );
  await makeDue();
  await deliver();
  expect(await delivery(email)).toMatchObject({ status: 'sent' });
  expect(await mailsOf(email)).toHaveLength(1);
});

it('skips what has no usable address, recording an invalid number, and honours opt-outs', async () => {
  const before = received.length;
  await sql(`UPDATE "${schema}".guardians SET phone = '12-34' WHERE profile_id = $1`, [c.ids.gwen]);
  const first = await notifyGwen({});
  await deliver();
  expect(await delivery(first.sms)).toMatchObject({
    status: 'skipped',
    skip_reason: 'invalid_address',
  });
  expect(
    await sql(
      `SELECT reason FROM "${schema}".contact_opt_outs WHERE channel = 'sms' AND address = '12-34'`,
    ),
  ).toEqual([{ reason: 'invalid' }]);
  expect(await delivery(first.email)).toMatchObject({ status: 'sent' });

  await sql(`UPDATE "${schema}".guardians SET phone = '9812345678' WHERE profile_id = $1`, [
    c.ids.gwen,
  ]);
  await sql(
    `INSERT INTO "${schema}".contact_opt_outs (channel, address, reason)
     VALUES ('email', $1, 'opted_out'), ('sms', '+9779812345678', 'opted_out')`,
    [gwenEmail],
  );
  const second = await notifyGwen({});
  await deliver();
  expect(await delivery(second.email)).toMatchObject({
    status: 'skipped',
    skip_reason: 'opted_out',
  });
  expect(await delivery(second.sms)).toMatchObject({ status: 'skipped', skip_reason: 'opted_out' });
  expect(await mailsOf(second.email)).toHaveLength(0);
  expect(received.length).toBe(before);
  await sql(`DELETE FROM "${schema}".contact_opt_outs`);
});

it("skips text messages once the plan's monthly allowance is spent, sending none", async () => {
  const before = received.length;
  const [{ quota }] = await sql<{ quota: number }>(
    `SELECT p.sms_per_month AS quota FROM public.subscriptions s
       JOIN public.plans p ON p.code = s.plan_code WHERE s.organization_id = $1`,
    [c.school.id],
  );
  expect(quota).toBeGreaterThan(0);
  const [{ used }] = await sql<{ used: number }>(
    `SELECT count(*)::int AS used FROM "${schema}".notification_deliveries
      WHERE channel = 'sms' AND status = 'sent'`,
  );
  // This month's allowance, spent by earlier messages (written as sent).
  await sql(
    `WITH written AS (
       INSERT INTO "${schema}".notifications (profile_id, category, title, body, source_key)
       SELECT $1, 'results', 'earlier', 'earlier', 'quota-test:' || i
         FROM generate_series(1, $2::int) i
       RETURNING id, profile_id)
     INSERT INTO "${schema}".notification_deliveries
       (notification_id, profile_id, channel, idempotency_key, status, sent_at, attempts)
     SELECT id, profile_id, 'sms', id || ':sms', 'sent', now(), 1 FROM written`,
    [c.ids.gwen, quota - used],
  );
  const { sms } = await notifyGwen({ channels: ['sms'] });
  await deliver();
  expect(await delivery(sms)).toMatchObject({ status: 'skipped', skip_reason: 'quota' });
  expect(received.length).toBe(before);
  await sql(`DELETE FROM "${schema}".notifications WHERE source_key LIKE 'quota-test:%'`);
});

async function keyOf(id: string): Promise<string> {
  const [row] = await sql<{ key: string }>(
    `SELECT idempotency_key AS key FROM "${schema}".notification_deliveries WHERE id = $1`,
    [id],
  );
  return row.key;
}
