import { createThrowawayDatabase, type ThrowawayDatabase } from '@schoolyard/database';
import { newAccountToken } from '@schoolyard/identity';
import { queueMail } from '@schoolyard/mail';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp, testDatabaseUrl, withOwnerClient } from './support/test-app';

/*
 * Without SMTP_URL (development), messages become files. This suite's app has a database of
 * its own: on the run's database its worker would write other suites' mail to files, where
 * their SMTP server never sees it. In a file of its own, because Nest's Logger is
 * process-wide (the logger of the app made last) and this suite reads the log.
 */
describe('the development mail transport', () => {
  const lines: string[] = [];
  let database: ThrowawayDatabase;
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    database = await createThrowawayDatabase('mailfiles', testDatabaseUrl());
    dir = await mkdtemp(join(tmpdir(), 'schoolyard-mailfiles-'));
    t = await createTestApp(
      { SMTP_URL: '', MAIL_DIR: dir, LOG_LEVEL: 'info' },
      [],
      { write: (line: string) => void lines.push(line) },
      { databaseUrl: database.url },
    );
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each message to a file and logs where, never the token', async () => {
    const token = newAccountToken();
    await withOwnerClient(
      (db) =>
        queueMail(db, {
          to: 'dev@mail.test',
          template: 'password-reset',
          params: { token, host: 'localhost:3000' },
        }),
      database.url,
    );
    const deadline = Date.now() + 15_000;
    let files: string[] = [];
    while (files.length === 0) {
      if (Date.now() > deadline) throw new Error('no mail file within the wait');
      await new Promise((done) => setTimeout(done, 100));
      files = (await readdir(dir)).filter((name) => name.endsWith('.eml'));
    }
    const path = join(dir, files[0]);
    const message = await readFile(path, 'utf8');
    expect(message).toContain('Subject: Reset your Schoolyard password');
    expect(message).toContain(`http://localhost:3000/reset-password?token=${token}`);

    const logged = lines.filter((line) => line.includes(path));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ level: 30, path });
    expect(lines.filter((line) => line.includes(token))).toEqual([]);
  });
});
