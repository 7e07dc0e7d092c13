import { jest } from '@jest/globals';
import {
  type ArchiveManifest,
  decodeHeader,
  encodeHeader,
  linesOf,
  TAG_BYTES,
} from '../libs/fleet/backup-archive';
import { type BackupSummary, type RestoreSummary } from '@schoolyard/fleet';
import { purposeKey, SealedText } from '@schoolyard/common';
import { deploymentKey } from '@schoolyard/people';
import { roleNameFor, schemaNameFor } from '@schoolyard/tenancy';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { bodyOf, caller, type Page } from './support/caller';
import { campus } from './support/campus';
import { buildCli, runCommand } from './support/cli';
import {
  createTestApp,
  OWNER_PASSWORD,
  registerSchool,
  type RegisteredSchool,
  signIn,
  type TestApp,
  uniqueSubdomain,
  withOwnerClient,
} from './support/test-app';

// Every test runs the built CLI several times, each a process of its own.
jest.setTimeout(300_000);

const KEY = randomBytes(32);
const ENV = { BACKUP_KEY: KEY.toString('base64') };
const LISTS = [
  '/api/students',
  '/api/staff',
  '/api/guardians',
  '/api/academics/sections',
  '/api/academics/programs',
  '/api/academics/subjects',
  '/api/roles',
];

type Restored = RestoreSummary & { orphans: unknown[] };

describe('per-school backup and restore', () => {
  let t: TestApp;
  let dir: string;
  const call = caller(() => t);

  beforeAll(async () => {
    [t] = await Promise.all([createTestApp(), buildCli()]);
    dir = await mkdtemp(join(tmpdir(), 'schoolyard-backup-'));
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await t.close();
  });

  const cli = (argv: string[], env = ENV) => runCommand(argv, undefined, env);

  async function backup(slug: string, name = `${slug}.sybk`) {
    const file = join(dir, name);
    const result = await cli(['tenants', 'backup', slug, '--out', file, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.json<BackupSummary>();
  }

  async function lists(school: { host: string }, username: string, password = OWNER_PASSWORD) {
    const owner = await signIn(t.app, school.host, username, password);
    const answers: Record<string, unknown> = {};
    for (const url of LISTS) {
      answers[url] = bodyOf<Page>(await call(school, owner, 'GET', `${url}?pageSize=100`), 200);
    }
    return answers;
  }

  /** What a failed restore must not have left. */
  async function traces(slug: string) {
    return withOwnerClient(async (db) => {
      const { rows } = await db.query<{ schools: number; schemas: number; roles: number }>(
        `SELECT (SELECT count(*)::int FROM public.organizations WHERE slug = $1) AS schools,
                (SELECT count(*)::int FROM pg_namespace WHERE nspname = $2) AS schemas,
                (SELECT count(*)::int FROM pg_roles WHERE rolname = $3) AS roles`,
        [slug, schemaNameFor(slug), roleNameFor(slug, t.urls.databaseTag)],
      );
      return rows[0];
    });
  }

  /** Row changes the trigger recorded (sign-ins after the restore add events of their own). */
  async function auditCount(slug: string) {
    return withOwnerClient(async (db) => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schemaNameFor(slug)}".audit_events
          WHERE action IN ('created', 'updated', 'deleted')`,
      );
      return rows[0].n;
    });
  }

  it('backs a school up, drops it, and restores it under another name with the same data and accounts', async () => {
    const c = await campus(t);
    const other = await registerSchool(t.app);
    const otherBefore = await lists(other, other.ownerUsername);
    // Ana signs in with a password the test knows: the owner's.
    const ana = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ username: string; user_id: string }>(
        `SELECT local_username AS username, user_id FROM "${schemaNameFor(c.school.slug)}".profiles WHERE id = $1`,
        [c.ids.ana],
      );
      await db.query(
        `UPDATE public.users SET password_hash = (SELECT password_hash FROM public.users WHERE id = $2) WHERE id = $1`,
        [rows[0].user_id, c.school.ownerUserId],
      );
      return rows[0];
    });
    const before = await lists(c.school, c.school.ownerUsername);
    const auditBefore = await auditCount(c.school.slug);

    const made = await backup(c.school.slug);
    expect(made).toMatchObject({ slug: c.school.slug, file: join(dir, `${c.school.slug}.sybk`) });
    expect(made.rows).toBeGreaterThan(20);
    expect(made.tables).toBeGreaterThan(20);
    expect(made.schemaVersion).toMatch(/Imports/);
    const info = await stat(made.file);
    expect(info.size).toBe(made.bytes);
    expect(info.mode & 0o777).toBe(0o600);
    expect(existsSync(`${made.file}.partial`)).toBe(false);
    // Encrypted: no name of the school reads in the file.
    expect((await readFile(made.file)).includes(Buffer.from('Olive'))).toBe(false);

    expect((await cli(['tenants', 'archive', c.school.slug])).code).toBe(0);
    const drop = ['tenants', 'drop', c.school.slug, '--confirm', c.school.slug];
    expect((await cli(drop)).code).toBe(0);

    const target = `${c.school.slug}-r`;
    const result = await cli([
      'tenants',
      'restore',
      c.school.slug,
      '--from',
      made.file,
      '--as',
      target,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const restored = result.json<Restored>();
    expect(restored).toMatchObject({
      slug: c.school.slug,
      restoredAs: target,
      rows: made.rows,
      migratedFrom: made.schemaVersion,
      migratedTo: made.schemaVersion,
      accounts: { recreated: 0, differing: [] },
      orphans: [],
      replaced: null,
    });
    // The dropped school's id was free again: it is kept.
    expect(restored.organizationId).toBe(c.school.id);
    expect(restored.accounts.relinked).toBeGreaterThanOrEqual(7);

    const host = `${target}.${t.config.baseDomain}`;
    expect(await lists({ host }, c.school.ownerUsername)).toEqual(before);
    await signIn(t.app, host, ana.username, OWNER_PASSWORD);
    // Loading wrote no audit events.
    expect(await auditCount(target)).toBe(auditBefore);

    // The other school: unchanged, and the restored school's people are not seen there.
    expect(await lists(other, other.ownerUsername)).toEqual(otherBefore);
    const otherOwner = await signIn(t.app, other.host, other.ownerUsername);
    const anaThere = await call(other, otherOwner, 'GET', `/api/students/${c.ids.ana}`);
    expect(anaThere.statusCode).toBe(404);
    const restoredOwner = await signIn(t.app, host, c.school.ownerUsername);
    const crossed = await call(other, restoredOwner, 'GET', '/api/students');
    expect([401, 403]).toContain(crossed.statusCode);

    const events = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ action: string; school_slug: string; actor: string }>(
        `SELECT action, school_slug, actor FROM public.platform_audit_events
          WHERE organization_id = $1 ORDER BY at`,
        [c.school.id],
      );
      return rows;
    });
    expect(events.map((e) => [e.action, e.school_slug])).toEqual(
      expect.arrayContaining([
        ['school.backed_up', c.school.slug],
        ['school.restored', target],
      ]),
    );
    // Registration was the new owner's act; the backup and the restore were the maintainer's.
    const maintained = events.filter((e) => /^school\.(backed_up|restored)$/.test(e.action));
    expect(maintained).toHaveLength(2);
    expect(maintained.every((e) => e.actor.startsWith('cli:'))).toBe(true);
  });

  /** The archive's body, opened with the test's key. */
  async function openBody(file: string): Promise<Buffer> {
    const data = await readFile(file);
    const header = decodeHeader(data)!;
    const decipher = createDecipheriv('aes-256-gcm', KEY, header.nonce, { authTagLength: 16 });
    decipher.setAAD(header.bytes);
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    const sealed = data.subarray(header.bytes.length, data.length - TAG_BYTES);
    return gunzipSync(Buffer.concat([decipher.update(sealed), decipher.final()]));
  }

  async function sealBody(file: string, body: Buffer): Promise<void> {
    const nonce = randomBytes(12);
    const header = encodeHeader({ key: KEY, label: 'BACKUP_KEY' }, nonce);
    const cipher = createCipheriv('aes-256-gcm', KEY, nonce, { authTagLength: 16 });
    cipher.setAAD(header);
    const sealed = Buffer.concat([cipher.update(gzipSync(body)), cipher.final()]);
    await writeFile(file, Buffer.concat([header, sealed, cipher.getAuthTag()]), { mode: 0o600 });
  }

  it('brings an archive made at an older schema version up to the current release, with its merchant secret and its deleted accounts', async () => {
    const school = await registerSchool(t.app);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    const merchant = { merchantCode: 'EPAYTEST', secretKey: 'the school secret' };
    bodyOf(await call(school, owner, 'PUT', '/api/fees/settings/esewa', merchant), 200);
    const made = await backup(school.slug);
    const before = await lists(school, school.ownerUsername);
    // Since the backup the owner's account was deleted: the restore makes it again.
    await withOwnerClient((db) =>
      db.query('DELETE FROM public.users WHERE id = $1', [school.ownerUserId]),
    );
    // The archive as the release before the audit trail would have made it: without that
    // migration and the ones after it (imports), and without their tables.
    const lines: Buffer[] = [];
    for await (const line of linesOf(Readable.from([await openBody(made.file)]))) {
      lines.push(line);
    }
    const manifest = JSON.parse(lines[0].toString()) as ArchiveManifest;
    const latest = manifest.schemaVersion[manifest.schemaVersion.length - 1];
    const audit = manifest.schemaVersion.findIndex((name) => /AuditTrail/.test(name));
    expect(manifest.schemaVersion.splice(audit).map((name) => name.replace(/\d+$/, ''))).toEqual([
      'AuditTrail',
      'Imports',
    ]);
    const later = new Set(['audit_events', 'imports']);
    manifest.tables = manifest.tables.filter((table) => !later.has(table.name));
    const kept: Buffer[] = [Buffer.from(JSON.stringify(manifest))];
    let skipping = false;
    for (const line of lines.slice(1)) {
      const text = line.toString();
      const table = /^\{"table":"([a-z_]+)"/.exec(text)?.[1];
      if (table && later.has(table)) skipping = true;
      else if (!skipping) kept.push(line);
      else if (text === '\\.') skipping = false;
    }
    const older = join(dir, `${school.slug}-older.sybk`);
    await sealBody(older, Buffer.concat(kept.flatMap((line) => [line, Buffer.from('\n')])));

    const target = `${school.slug}-o`;
    const result = await cli([
      'tenants',
      'restore',
      school.slug,
      '--from',
      older,
      '--as',
      target,
      '--json',
    ]);
    expect(result.stderr).toBe('');
    const restored = result.json<Restored>();
    expect(restored.migratedFrom).toBe(manifest.schemaVersion[manifest.schemaVersion.length - 1]);
    expect(restored.migratedTo).toBe(latest);
    // The original still exists: the restored school has an id of its own.
    expect(restored.organizationId).not.toBe(school.id);
    const migrations = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ name: string }>(
        `SELECT name FROM "${schemaNameFor(target)}".school_migrations`,
      );
      return rows.map((row) => row.name);
    });
    expect(migrations).toContain(latest);
    expect(restored.accounts).toEqual({ relinked: 0, recreated: 1, differing: [] });
    expect(restored.orphans).toEqual([]);
    // The merchant secret was sealed for the original id: it opens under the new one.
    const sealed = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ secret_sealed: string }>(
        `SELECT secret_sealed FROM "${schemaNameFor(target)}".fee_merchant_accounts`,
      );
      return rows[0].secret_sealed;
    });
    const sealer = new SealedText(
      purposeKey(deploymentKey(t.config, t.urls), 'fee merchant secrets'),
    );
    expect(sealer.open(restored.organizationId, sealed)).toBe(merchant.secretKey);
    expect(sealer.open(school.id, sealed)).toBeUndefined();
    const host = `${target}.${t.config.baseDomain}`;
    expect(await lists({ host }, school.ownerUsername)).toEqual(before);
  });

  it('refuses an archive under a wrong key or with one byte changed, and leaves nothing', async () => {
    const school = await registerSchool(t.app);
    const made = await backup(school.slug);
    const target = `${school.slug}-x`;
    const restore = (file: string, env = ENV) =>
      cli(['tenants', 'restore', school.slug, '--from', file, '--as', target], env);

    const wrongKey = await restore(made.file, { BACKUP_KEY: randomBytes(32).toString('base64') });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/another key/);

    const data = await readFile(made.file);
    const tampered = Buffer.from(data);
    tampered[data.length - 40] ^= 1;
    const file = join(dir, `${school.slug}-tampered.sybk`);
    await writeFile(file, tampered);
    const refused = await restore(file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/altered or damaged/);

    const header = Buffer.from(data);
    header[6] ^= 1; // the key label: part of the associated data
    await writeFile(file, header);
    expect((await restore(file)).code).toBe(1);

    expect(await traces(target)).toEqual({ schools: 0, schemas: 0, roles: 0 });
  });

  it('refuses a taken slug without --replace; with it keeps the old school archived and the current accounts', async () => {
    const school: RegisteredSchool = await registerSchool(t.app, {
      subdomain: uniqueSubdomain('r'),
    });
    const before = await lists(school, school.ownerUsername);
    const made = await backup(school.slug);

    const taken = await cli(['tenants', 'restore', school.slug, '--from', made.file]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/--replace/);

    // After the backup the owner changes their email and password.
    const newEmail = `moved@${school.slug}.example`;
    await withOwnerClient(async (db) => {
      const other = await registerSchool(t.app);
      await db.query(
        `UPDATE public.users SET email = $2,
                password_hash = (SELECT password_hash FROM public.users WHERE id = $3)
          WHERE id = $1`,
        [school.ownerUserId, newEmail, other.ownerUserId],
      );
      await db.query(`UPDATE public.users SET email = NULL WHERE id = $1`, [other.ownerUserId]);
    });

    const result = await cli([
      'tenants',
      'restore',
      school.slug,
      '--from',
      made.file,
      '--replace',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    const restored = result.json<Restored>();
    const aside = `${school.slug}-replaced-1`;
    expect(restored.replaced).toBe(aside);
    expect(restored.accounts.differing).toEqual([
      { id: school.ownerUserId, username: expect.any(String), fields: ['email', 'password'] },
    ]);

    const account = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ email: string }>(
        'SELECT email FROM public.users WHERE id = $1',
        [school.ownerUserId],
      );
      return rows[0];
    });
    expect(account.email).toBe(newEmail);
    // The current password holds (the same as the other owner's, OWNER_PASSWORD).
    expect(await lists(school, school.ownerUsername)).toEqual(before);

    const old = await withOwnerClient(async (db) => {
      const { rows } = await db.query<{ id: string; status: string; domains: number }>(
        `SELECT o.id, o.status,
                (SELECT count(*)::int FROM public.domains d WHERE d.organization_id = o.id) AS domains
           FROM public.organizations o WHERE o.slug = $1`,
        [aside],
      );
      return rows[0];
    });
    expect(old).toEqual({ id: school.id, status: 'archived', domains: 0 });
    expect(restored.organizationId).not.toBe(school.id);
    const dropped = await cli(['tenants', 'drop', aside, '--confirm', aside]);
    expect(dropped.code).toBe(0);
    expect(await traces(aside)).toEqual({ schools: 0, schemas: 0, roles: 0 });
  });
});
